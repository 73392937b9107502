"""Safe SPARQL execution over the RDF store: read-only checks, row caps, result formats.

Shared by the CLI and the HTTP endpoint so both refuse the same queries the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import ForbiddenQueryError, QueryError

PREFIXES = {
    "nokg": "https://neuro-omics-kg.org/ontology#",
    "schema": "http://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}

# Strings, IRIs and comments are blanked before keyword checks so that a literal such as
# "SERVICE desk" or <http://x/load> does not trip them.
_MASK = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>|#[^\n]*'
)
_FORBIDDEN = re.compile(r"\b(SERVICE|LOAD)\b", re.IGNORECASE)
_UPDATE = re.compile(
    r"\b(INSERT|DELETE|CLEAR|DROP|CREATE|COPY|MOVE|ADD|LOAD|WITH)\b(?!\s*\()", re.IGNORECASE
)


def prefix_block() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def masked(query: str) -> str:
    return _MASK.sub(" ", query)


def check_read_only(query: str) -> None:
    """Refuse anything that could write or make an outbound request."""
    m = _FORBIDDEN.search(masked(query))
    if m:
        raise ForbiddenQueryError(
            f"{m.group(1).upper()} is not allowed: queries may not make outbound requests"
        )


def is_update(query: str) -> bool:
    """True when the request is a SPARQL Update rather than a query."""
    body = re.sub(r"(?i)\bPREFIX\s+\S*:\s*|\bBASE\s+", " ", masked(query))
    return bool(_UPDATE.search(body)) and not re.search(
        r"(?i)\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body
    )


@dataclass
class QueryResult:
    """Result of a query: kind is 'select', 'ask' or 'graph'."""

    kind: str
    variables: list[str]
    rows: list[list[ox.NamedNode | ox.BlankNode | ox.Literal | None]]
    boolean: bool | None = None
    triples: list[ox.Triple] | None = None
    truncated: bool = False


def execute(store: ox.Store, query: str, max_rows: int, default_union: bool = True) -> QueryResult:
    """Run a read-only query, materialising at most `max_rows` rows."""
    check_read_only(query)
    if is_update(query):
        raise ForbiddenQueryError("SPARQL Update is not allowed here: the endpoint is read-only")
    try:
        res = store.query(query, prefixes=PREFIXES, use_default_graph_as_union=default_union)
    except SyntaxError as exc:
        raise QueryError(f"malformed query: {exc}") from exc
    if isinstance(res, ox.QueryBoolean):
        return QueryResult("ask", [], [], boolean=bool(res))
    if isinstance(res, ox.QueryTriples):
        triples = []
        for t in res:
            if len(triples) >= max_rows:
                return QueryResult("graph", [], [], triples=triples, truncated=True)
            triples.append(t)
        return QueryResult("graph", [], [], triples=triples)
    variables = [v.value for v in res.variables]
    rows = []
    for sol in res:
        if len(rows) >= max_rows:
            return QueryResult("select", variables, rows, truncated=True)
        rows.append([sol[v] for v in variables])
    return QueryResult("select", variables, rows)


def term_text(term) -> str:
    """A short human form of an RDF term for tables."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def serialize_select(result: QueryResult, fmt: str) -> bytes:
    """Standard SPARQL results serialisation (JSON, XML, CSV, TSV) via pyoxigraph."""
    if fmt not in RESULT_FORMATS:
        raise QueryError(f"unknown result format {fmt!r}; use one of {', '.join(RESULT_FORMATS)}")
    if result.kind == "ask":
        return ox.QueryBoolean(result.boolean).serialize(format=RESULT_FORMATS[fmt])  # type: ignore[call-arg]
    sols = ox.QuerySolutions  # noqa: F841  (kept for the type name in errors)
    return _serialize_rows(result, RESULT_FORMATS[fmt])


def _serialize_rows(result: QueryResult, fmt) -> bytes:
    # pyoxigraph cannot build QuerySolutions from Python rows, so re-run through a tiny
    # VALUES query on an empty store: the serialisers stay pyoxigraph's own.
    store = ox.Store()
    if not result.variables:
        return store.query("SELECT * WHERE {} LIMIT 0").serialize(format=fmt)
    vars_ = " ".join(f"?{v}" for v in result.variables)
    rows = " ".join(
        "(" + " ".join("UNDEF" if t is None else str(t) for t in r) + ")" for r in result.rows
    )
    return store.query(f"SELECT {vars_} WHERE {{ VALUES ({vars_}) {{ {rows} }} }}").serialize(
        format=fmt
    )
