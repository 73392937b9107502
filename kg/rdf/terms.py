"""RDF terms of the knowledge graph: namespaces, IRIs, property predicates and typed literals.

IRIs:
    entity   ``{base}/{kind}/{id}``                 (id percent-encoded, "/" kept: doc ids are paths)
    source   ``{base}/source/{path}``               also the name of that source's named graph
    fact     ``{source}#fact/{entity}/{yaml path}``  one per attribute, stable across ingests
    relation ``{source}#rel/{subject}/{predicate}/{object}``  the reified statement
    section  ``{base}/doc/{doc id}#{anchor}``
    vocab    ``{base}/vocab`` (graph) holding the ``{base}/modality`` SKOS scheme
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import quote, unquote

from pyoxigraph import Literal, NamedNode

from kg.vocab import ONTOLOGY_IRI, RELATIONS

NS = {
    "nokg": ONTOLOGY_IRI,
    "schema": "http://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
}

# Characters kept as they are in IRI path segments; everything else is percent-encoded.
_SAFE = "/:@!$&'()*+,;=-._~"
_ALL_SAFE = re.compile(r"^[A-Za-z0-9/:@!$&'()*+,;=\-._~]*$")


@lru_cache(maxsize=1 << 16)
def _quote(text: str) -> str:
    # Ids and YAML paths repeat across thousands of facts; most need no escaping at all.
    return text if _ALL_SAFE.match(text) else quote(text, safe=_SAFE)


def iri(curie: str) -> NamedNode:
    """``"schema:name"`` -> NamedNode of the expanded IRI."""
    prefix, local = curie.split(":", 1)
    return NamedNode(NS[prefix] + local)


def entity_iri(base: str, kind: str, id: str) -> str:
    """Stable IRI of an entity."""
    return f"{base.rstrip('/')}/{kind}/{_quote(id)}"


def parse_entity_iri(base: str, value: str) -> tuple[str, str] | None:
    """Inverse of `entity_iri`: (kind, id), or None when `value` is not an entity IRI."""
    prefix = base.rstrip("/") + "/"
    if not value.startswith(prefix) or "#" in value:
        return None
    kind, _, rest = value[len(prefix) :].partition("/")
    return (kind, unquote(rest)) if kind and rest and kind != "source" else None


def source_iri(base: str, path: str) -> str:
    """IRI of a source file, which is also the name of its named graph."""
    return f"{base.rstrip('/')}/source/{_quote(path)}"


def vocab_graph_iri(base: str) -> str:
    """The named graph holding the modality SKOS scheme."""
    return f"{base.rstrip('/')}/vocab"


def fragment(*parts: str) -> str:
    """A fragment from parts, each percent-encoded (``[``, ``]``, ``#`` are not allowed)."""
    return "/".join(_quote(p) for p in parts)


# RDF classes per entity kind; the first is the project class, the rest standard ones.
CLASSES: dict[str, tuple[str, ...]] = {
    "model": ("nokg:Model",),
    "paper": ("nokg:Paper", "schema:ScholarlyArticle"),
    "dataset": ("nokg:Dataset", "dcat:Dataset"),
    "integration": ("nokg:IntegrationPattern",),
    "experiment": ("nokg:Experiment",),
    "strategy": ("nokg:EmbeddingStrategy",),
    "method": ("nokg:HarmonizationMethod",),
    "pipeline": ("nokg:Pipeline",),
    "doc": ("nokg:Document",),
    "modality": ("skos:Concept",),
}

# Canonical property -> (predicate, how its value is written). "ref" values are written as
# relations by the linker, so they get no direct triple (only the reified fact).
PROPERTY_TERMS: dict[str, tuple[str, str]] = {
    "name": ("schema:name", "string"),
    "summary": ("schema:description", "string"),
    "modality": ("nokg:hasModality", "modality"),
    "domain": ("nokg:domain", "string"),
    "architecture": ("nokg:architecture", "string"),
    "parameters": ("nokg:parameterCount", "integer"),
    "context_length": ("nokg:contextLength", "integer"),
    "tokenizer": ("nokg:tokenizer", "string"),
    "checkpoint": ("nokg:checkpoint", "string"),
    "repo": ("schema:codeRepository", "uri"),
    "license": ("schema:license", "string"),
    "license_weights": ("nokg:weightsLicense", "string"),
    "dataset": ("nokg:usesDataset", "ref"),
    "task": ("nokg:task", "string"),
    "tag": ("schema:keywords", "string"),
    "integration": ("nokg:usesIntegration", "ref"),
    "title": ("dcterms:title", "string"),
    "author": ("schema:author", "string"),
    "year": ("dcterms:date", "year"),
    "venue": ("nokg:venue", "string"),
    "link": ("schema:url", "uri"),
    "related": ("dcterms:relation", "ref"),
    "access": ("nokg:access", "string"),
    "status": ("nokg:status", "string"),
    "last_updated": ("dcterms:modified", "date"),
    "verified": ("nokg:verified", "boolean"),
    "objective": ("nokg:objective", "string"),
    "strategy": ("nokg:usesStrategy", "ref"),
    "model": ("nokg:usesModel", "ref"),
}

# The kind a relation's object has when the caller cannot say (ids are unique across kinds).
OBJECT_KINDS = {
    "uses_dataset": "dataset",
    "has_modality": "modality",
    "described_by": "paper",
    "describes": "model",
    "uses_integration": "integration",
    "uses_strategy": "strategy",
    "uses_method": "method",
    "uses_model": "model",
    "intended_for": "experiment",
    "documented_in": "doc",
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w.capitalize() for w in rest)


def property_term(prop: str, datatype: str = "string") -> tuple[NamedNode, str]:
    """Predicate and value kind of a canonical property (unknown ones get ``nokg:camelCase``)."""
    curie, kind = PROPERTY_TERMS.get(prop, (f"nokg:{_camel(prop)}", datatype))
    return iri(curie), kind


def relation_term(predicate: str) -> NamedNode:
    """Predicate IRI of an IR relation name (unknown names get ``nokg:camelCase``)."""
    curie = RELATIONS.get(predicate, (f"nokg:{_camel(predicate)}", ""))[0]
    return iri(curie)


_XSD = NS["xsd"]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_MONTH = re.compile(r"^\d{4}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


def _typed(text: str, xsd: str) -> Literal:
    return Literal(text, datatype=NamedNode(_XSD + xsd))


def _by_python_type(value: Any) -> Literal:
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return _typed(str(value), "integer")
    if isinstance(value, float):
        return _decimal(value)
    if isinstance(value, dt.date):
        return _typed(value.isoformat()[:10], "date")
    return Literal(str(value))


def _decimal(value: float) -> Literal:
    if not math.isfinite(value):  # nan / inf have no xsd:decimal form
        return _typed({"inf": "INF", "-inf": "-INF"}.get(repr(value), "NaN"), "double")
    return _typed(format(Decimal(repr(value)), "f"), "decimal")


def literal_for(value: Any, kind: str) -> Literal | NamedNode | None:
    """The RDF term for a normalised IR value of the given kind, or None for no value.

    A value that does not fit its kind is kept as a plain string (never dropped), so SHACL
    can report it against the fact's line instead of the ingest failing.
    """
    if value is None:
        return None
    if kind in ("integer", "count"):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return _by_python_type(value)
    if kind == "year":
        text = str(value)
        return _typed(text, "gYear") if _YEAR.match(text) else _by_python_type(value)
    if kind == "date":
        text = value.isoformat()[:10] if isinstance(value, dt.date) else str(value)
        for pattern, xsd in ((_DATE, "date"), (_YEAR_MONTH, "gYearMonth"), (_YEAR, "gYear")):
            if pattern.match(text):
                return _typed(text, xsd)
        return Literal(text)
    if kind == "uri" and isinstance(value, str) and _URI.match(value.strip()):
        try:
            return NamedNode(value.strip())
        except ValueError:
            return Literal(value)
    return _by_python_type(value)
