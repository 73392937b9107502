"""Safe SPARQL: the prefixes every query gets, update checks, the row cap (a rewrite that
keeps pyoxigraph's serialisers), parser errors mapped back to the query as sent, and the
CLI's in-process `execute`.

Shared by the CLI, the HTTP endpoint and its worker processes, so all refuse the same
queries the same way (the checks themselves live in kg.sparql_shape).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import ForbiddenQueryError, QueryError
from kg.sparql_shape import (
    DATASET_CLAUSE,
    NEVER_IN_UPDATE,
    VARIABLE,
    Shape,
    analyse,
    bare_words,
    keyword,
    masked,
)

__all__ = ["PREFIXES", "Shape", "analyse", "capped", "check_update", "execute", "masked"]

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


def check_update(update: str) -> None:
    """Refuse update operations that reach out (LOAD, SERVICE) or drop graphs wholesale."""
    m = masked(update)
    if bad := [k for w, _ in bare_words(m) for k in NEVER_IN_UPDATE if k in w]:
        raise ForbiddenQueryError(
            f"{bad[0]} is not allowed: updates may insert and delete triples only "
            "(no LOAD/SERVICE outbound requests, no CLEAR/DROP/MOVE/COPY of whole graphs)"
        )
    if "\\u" in m.lower():
        raise QueryError("malformed update: \\u escapes are only allowed inside strings and IRIs")


def projection(query: str, shape: Shape) -> list[str] | None:
    """The SELECT clause's variables in order, or None for `SELECT *`."""
    m = masked(query)
    ends = [m.find("{", shape.form_at), _find_word(m, "WHERE", shape.form_at)]
    end = min((i for i in ends if i >= 0), default=len(m))
    clause = DATASET_CLAUSE.sub(" ", m[shape.form_at + len("SELECT") : end])
    out: list[str] = []
    group: list[str] = []
    depth = 0
    for tok in re.finditer(r"[()*]|" + VARIABLE.pattern, clause):
        t = tok.group(0)
        if t == "(":
            depth += 1
            group = group if depth > 1 else []
        elif t == ")":
            depth -= 1
            if depth == 0 and group:
                out.append(group[-1])  # `(expr AS ?v)` projects its last variable
        elif t == "*":
            if depth == 0:
                return None
        elif depth == 0:
            out.append(tok.group(1))
        else:
            group.append(tok.group(1))
    return out


def _find_word(m: str, word: str, start: int) -> int:
    hit = keyword(word).search(m, start)
    return hit.start() if hit else -1


def capped(query: str, shape: Shape, cap: int) -> tuple[str, int] | None:
    """A SELECT rewritten to return at most `cap` rows (one more reveals truncation), and
    the width of the text inserted before the query form (to map parser positions back);
    None when the query needs no cap (not a SELECT, or its own LIMIT is within the cap).

    Without LIMIT and VALUES, a LIMIT is appended. Otherwise the query becomes a
    sub-select, so every modifier and VALUES clause keeps its meaning; dataset clauses
    (FROM) move to the outer query, which sub-selects may not carry.
    """
    if shape.kind != "select" or (shape.limit is not None and shape.limit <= cap):
        return None
    if shape.limit is None and not shape.values:
        return f"{query}\nLIMIT {cap + 1}", 0
    m = masked(query)
    brace = m.find("{", shape.form_at)
    hits = list(DATASET_CLAUSE.finditer(m, shape.form_at, brace if brace >= 0 else len(m)))
    dataset = " ".join(query[h.start() : h.end()] for h in hits)
    inner = query[shape.form_at :]
    for h in reversed(hits):  # blank them in place, keeping newlines so lines still match
        a, b = h.start() - shape.form_at, h.end() - shape.form_at
        inner = inner[:a] + re.sub(r"[^\n]", " ", inner[a:b]) + inner[b:]
    vars_ = projection(query, shape)
    head = f"SELECT {'*' if vars_ is None else ' '.join('?' + v for v in vars_)} {dataset} "
    head = " ".join(head.split()) + " WHERE { { "
    return f"{query[: shape.form_at]}{head}{inner}\n}} }} LIMIT {cap + 1}", len(head)


_POSITION = re.compile(r"error at (\d+):(\d+)")


def parse_error(
    exc: Exception, query: str | None = None, shape: Shape | None = None, width: int = 0
) -> QueryError:
    """pyoxigraph's syntax error as a QueryError, its line:column mapped back to the query
    as sent when the row cap rewrote it (`width` characters inserted at the query form, or
    a LIMIT appended after it)."""
    msg = str(exc)
    hit = _POSITION.search(msg)
    if hit and query is not None and shape is not None:
        line, col = int(hit.group(1)), int(hit.group(2))
        form_line = query.count("\n", 0, shape.form_at) + 1
        form_col = shape.form_at - (query.rfind("\n", 0, shape.form_at) + 1) + 1
        last = query.count("\n") + 1
        if line > last:  # inside the text added after the query: point at its end
            line, col = last, len(query) - (query.rfind("\n") + 1) + 1
        elif width and line == form_line and col > form_col:
            col = max(form_col, col - width)
        msg = msg[: hit.start()] + f"error at {line}:{col}" + msg[hit.end() :]
    return QueryError(f"malformed query: {msg}")


# -- the CLI's table view: rows of terms ----------------------------------------------------


@dataclass
class QueryResult:
    """Result of a query: kind is 'select', 'ask' or 'graph'."""

    kind: str
    variables: list[str]
    rows: list[list[ox.NamedNode | ox.BlankNode | ox.Literal | None]]
    boolean: bool | None = None
    triples: list[ox.Triple] | None = None
    truncated: bool = False
    raw: bytes = b""  # TSV (select), JSON (ask) or N-Triples (graph), as pyoxigraph wrote it


def execute(store: ox.Store, query: str, max_rows: int) -> QueryResult:
    """Run a read-only query in-process over the union of all graphs (no timeout: for the
    CLI; the HTTP endpoint runs queries in killable workers), keeping at most `max_rows`."""
    from kg.sparql_exec import prepare, run

    shape = analyse(query)
    fmt = {"select": "tsv", "ask": "json", "graph": "ntriples"}.get(shape.kind)
    out = run(store, prepare(query, max_rows, format_param=fmt))
    if out.kind == "ask":
        answer = ox.parse_query_results(out.body, format=ox.QueryResultsFormat.JSON)
        return QueryResult("ask", [], [], boolean=bool(answer), raw=out.body)
    if out.kind == "graph":
        triples = list(ox.parse(out.body, format=ox.RdfFormat.N_TRIPLES))
        return QueryResult("graph", [], [], triples=triples, truncated=out.truncated, raw=out.body)
    sols = ox.parse_query_results(out.body, format=ox.QueryResultsFormat.TSV)
    variables = [v.value for v in sols.variables]
    rows = [[s[v] for v in variables] for s in sols]
    return QueryResult("select", variables, rows, truncated=out.truncated, raw=out.body)


def term_text(term) -> str:
    """A short human form of an RDF term for tables."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal | ox.NamedNode):
        return term.value
    return str(term)


def serialize_select(result: QueryResult, fmt: str) -> bytes:
    """Standard SPARQL results serialisation (json, xml, csv, tsv) via pyoxigraph."""
    from kg.sparql_exec import RESULT_FORMATS

    if fmt not in RESULT_FORMATS:
        raise QueryError(f"unknown result format {fmt!r}; use one of {', '.join(RESULT_FORMATS)}")
    source = ox.QueryResultsFormat.JSON if result.kind == "ask" else ox.QueryResultsFormat.TSV
    parsed = ox.parse_query_results(result.raw, format=source)
    return parsed.serialize(format=RESULT_FORMATS[fmt][1])
