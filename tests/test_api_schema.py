"""Schemathesis over the OpenAPI description, against a real server on the ingested corpus:
generated requests to every operation get no 5xx, only documented status codes and content
types, and bodies that match the response schemas. Bounded (a few examples per operation)
so it runs in CI."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.server import serving
from kg.settings import Settings, SparqlSettings

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schemathesis.serializer("application/sparql-query", "application/sparql-update")
def _sparql_text(ctx, value) -> bytes:
    # The protocol's direct POST bodies are plain text.
    return value if isinstance(value, bytes) else str(value).encode()


# The description does not depend on the KB, and building the app does no work, so the
# schema is read from the app itself; requests go to the real server below.
# (schemathesis.pytest.from_fixture does not run under pytest 9 yet.)
schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi())


@pytest.fixture(scope="module")
def api_url(corpus_kb):
    sparql = SparqlSettings(timeout_s=2.0, max_rows=200)
    with serving(corpus_kb.settings.model_copy(update={"sparql": sparql})) as url:
        yield url


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_get_documented_answers(case, api_url):
    case.call_and_validate(base_url=api_url, checks=CHECKS)


def test_the_description_documents_every_route():
    raw = schema.raw_schema
    for path, ops in raw["paths"].items():
        for method, op in ops.items():
            assert op.get("summary") and op.get("description"), f"{method.upper()} {path}"
            assert "200" in op["responses"] or "204" in op["responses"], f"{method.upper()} {path}"
    for path in ("/sparql", "/entities", "/entities/{id}", "/models", "/modalities", "/search",
                 "/ask", "/compare", "/sources/{path}", "/stats", "/conflicts", "/health",
                 "/queries/{name}", "/path"):  # fmt: skip
        assert path in raw["paths"], path
