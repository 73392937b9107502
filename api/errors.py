"""One JSON error envelope for every HTTP error, built by `error_body`.

    {"error": {"status": 404, "code": "unknown-entity",
               "message": "no entity matches 'BrainLMM' — did you mean 'brainlm'?",
               "hint": "list entities with GET /entities?q=..."}}

Domain errors (kg.errors) map to a status and a stable code; FastAPI's own 404/405/422 and
any unexpected exception (logged, never a bare 500 body) use the same shape.
"""

from __future__ import annotations

import logging
import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg import errors as e

log = logging.getLogger("api")


class ErrorDetail(BaseModel):
    """What went wrong and what to do about it."""

    status: int = Field(description="The HTTP status code, repeated for clients that lose it.")
    code: str = Field(description="A stable machine-readable code, e.g. `malformed-query`.")
    message: str = Field(description="What went wrong, in one sentence.")
    hint: str = Field("", description="What to do about it (may be empty).")


class ErrorEnvelope(BaseModel):
    """The body of every error response."""

    error: ErrorDetail

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "error": {
                        "status": 400,
                        "code": "malformed-query",
                        "message": "malformed query: error at 1:25: expected OPTIONAL",
                        "hint": "SELECT * WHERE { ?s ?p }\n                        ^",
                    }
                }
            ]
        }
    }


class UnsupportedMediaTypeError(e.KGError):
    """A request body of a type the route does not read (HTTP 415)."""


class UnknownQueryError(e.KGError):
    """No saved query has that name (HTTP 404)."""


class NotImplementedYetError(e.KGError):
    """A route whose library half is not available in this build (HTTP 501)."""


# Domain error -> (status, code, default hint). Subclasses come before their bases.
_MAP: list[tuple[type[Exception], int, str, str]] = [
    (e.QueryTimeoutError, 504, "query-timeout",
     "narrow the query (a LIMIT, more constants, fewer joins) or raise KG_SPARQL__TIMEOUT_S"),
    (e.QueryBusyError, 503, "busy", "every query worker is busy; retry in a moment"),
    (e.UnsupportedFormatError, 406, "not-acceptable", "ask for a format listed in the message"),
    (e.ForbiddenQueryError, 403, "forbidden-query",
     "the endpoint runs read-only queries; outbound requests are never made"),
    (e.QueryError, 400, "malformed-query", "check the query syntax near the position given"),
    (e.UnauthorizedError, 401, "unauthorized",
     "send `Authorization: Bearer <token>` with the token set in KG_SPARQL__UPDATE_TOKEN"),
    (e.UnknownEntityError, 404, "unknown-entity", "list entities with GET /entities?q=..."),
    (e.UnknownFieldError, 400, "unknown-field", "use a property name or a YAML path"),
    (e.NoPathError, 404, "no-path", "the two entities are not connected by any relation"),
    (e.SourceNotFoundError, 404, "source-not-found", "paths are relative to the KB folder"),
    (e.SourceAccessError, 400, "bad-source-path",
     "give a path inside the KB folder, e.g. kb/model_cards/brainlm.yaml"),
    (e.NotIngestedError, 503, "not-ingested", "run `kg ingest` for this KB, then retry"),
    (e.ConfigError, 500, "config-error", "fix the setting named in the message"),
    (UnsupportedMediaTypeError, 415, "unsupported-media-type", "see the request body types at /docs"),
    (NotImplementedYetError, 501, "not-implemented", ""),
    (UnknownQueryError, 404, "unknown-query", "GET /queries lists the saved queries"),
    (e.KGError, 400, "bad-request", ""),
]  # fmt: skip
_HTTP_CODES = {
    400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found",
    405: "method-not-allowed", 406: "not-acceptable", 413: "too-large", 415: "unsupported-media-type",
    422: "invalid-request", 501: "not-implemented", 503: "unavailable",
}  # fmt: skip
_POSITION = re.compile(r"error at (\d+):(\d+)")


def error_body(status: int, code: str, message: str, hint: str = "") -> dict:
    """The one error envelope."""
    return {"error": {"status": status, "code": code, "message": message, "hint": hint}}


def error_response(
    status: int, code: str, message: str, hint: str = "", headers: dict | None = None
) -> JSONResponse:
    """An error envelope as a response."""
    return JSONResponse(error_body(status, code, message, hint), status, headers=headers)


def for_exception(exc: e.KGError, query: str | None = None) -> JSONResponse:
    """The envelope for a domain error (a parser position becomes a caret under the query)."""
    status, code, hint = next((s, c, h) for cls, s, c, h in _MAP if isinstance(exc, cls))
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="sparql-update"'
    if status == 503:
        headers["Retry-After"] = "1"
    message = str(exc)
    if isinstance(exc, e.UnknownEntityError) and exc.suggestions:
        hint = f"did you mean {', '.join(exc.suggestions)}? " + hint
    if query and (hit := _POSITION.search(message)):
        hint = caret(query, int(hit.group(1)), int(hit.group(2))) or hint
    return error_response(status, code, message, hint, headers)


def caret(query: str, line: int, column: int) -> str:
    """The query line at `line` with a caret under `column` (both 1-based)."""
    lines = query.split("\n")
    if not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1]
    return f"line {line}: {text}\n{' ' * (len(f'line {line}: ') + column - 1)}^"


def install(app: FastAPI) -> None:
    """Route every error through `error_body`."""

    @app.exception_handler(e.KGError)
    async def _domain(request: Request, exc: e.KGError) -> JSONResponse:
        return for_exception(exc, getattr(request.state, "query_text", None))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http-error")
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        hint = ""
        if exc.status_code == 404 and message == "Not Found":
            message, hint = f"no route {request.url.path}", "the API is described at /docs"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
            hint = "the allowed methods are in the Allow header"
        return error_response(exc.status_code, code, message, hint, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors():
            where = ".".join(str(x) for x in err.get("loc", ()) if x != "body") or "request"
            parts.append(f"{where}: {err.get('msg', 'invalid')}")
        return error_response(
            422, "invalid-request", "; ".join(parts), "see the parameters at /docs"
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(
            500, "internal-error", f"unexpected {type(exc).__name__}; it has been logged",
            "retry; if it persists, report it with the request that caused it",
        )  # fmt: skip


ERROR_RESPONSES: dict[int | str, dict] = {
    status: {"model": ErrorEnvelope, "description": desc}
    for status, desc in {
        400: "Bad request (malformed query, bad parameter).",
        404: "Not found.",
        422: "Invalid parameters.",
        503: "Not ingested yet, or busy.",
    }.items()
}
