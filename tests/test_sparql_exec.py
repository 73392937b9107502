"""Safe SPARQL execution on a real on-disk pyoxigraph store: refusals, the row cap, formats,
parser positions, datasets, bounded lookups, and the killable worker pool."""

from __future__ import annotations

import re
import threading
import time

import pyoxigraph as ox
import pytest

from api.sparql_pool import WorkerPool
from kg.errors import ForbiddenQueryError, QueryError, QueryTimeoutError, UnsupportedFormatError
from kg.sparql import PREFIXES, check_update, execute
from kg.sparql_cost import FAN_OUT_QUERIES, INLINE_WORK_BUDGET, FanOut, work_bound
from kg.sparql_exec import negotiate, prepare, run
from kg.sparql_shape import analyse

EX = "http://ex.org/"
NOKG = PREFIXES["nokg"]
CROSS3 = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # never ends


def _n(local: str) -> ox.NamedNode:
    return ox.NamedNode(EX + local)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    """An on-disk store: two small named graphs, plus 2,000 ranked items in a third."""
    path = tmp_path_factory.mktemp("sparql") / "store"
    st = ox.Store(str(path))
    ga, gb, gi = _n("g/a"), _n("g/b"), _n("g/items")
    model = ox.NamedNode(NOKG + "Model")
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    name = ox.NamedNode("http://schema.org/name")
    quads = [
        ox.Quad(_n("m1"), a, model, ga),
        ox.Quad(_n("m1"), name, ox.Literal("Model one\twith a tab\nand a newline"), ga),
        ox.Quad(_n("m1"), _n("uses"), _n("d1"), ga),
        ox.Quad(_n("m1"), _n("note"), ox.BlankNode("b1"), ga),
        ox.Quad(_n("m2"), a, model, gb),
        ox.Quad(_n("m2"), name, ox.Literal("Modèle deux", language="fr"), gb),
        ox.Quad(_n("m2"), _n("uses"), _n("d1"), gb),
    ]
    rank = _n("rank")
    quads += [ox.Quad(_n(f"item{i}"), rank, ox.Literal(str(i), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), gi) for i in range(2000)]  # fmt: skip
    st.bulk_extend(quads)
    st.flush()
    del st
    return str(path)


@pytest.fixture(scope="module")
def store(store_path):
    return ox.Store.read_only(store_path)


def _rows(out) -> list[dict]:
    fmt = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
           "tsv": ox.QueryResultsFormat.TSV}[out.fmt]  # fmt: skip
    sols = ox.parse_query_results(out.body, format=fmt)
    return [{v.value: s[v] for v in sols.variables} for s in sols]


# -- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { service\n<http://x/> { ?s ?q ?r } } }",
        "SELECT * WHERE { #comment\n SeRvIcE SILENT <http://x/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p 1SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",  # parses!
        "SELECT * WHERE { ?s ?p 1e1SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
        "SELECT * WHERE { ?s ?p trueSERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",  # too
        "SELECT * WHERE { ?s ?p ?o }SERVICE",
    ],
)
def test_service_is_refused_however_it_is_written(query):
    with pytest.raises(ForbiddenQueryError, match="SERVICE"):
        prepare(query, 10)


@pytest.mark.parametrize("op", ["INSERT DATA { <a:b> <a:c> <a:d> }", "DELETE WHERE { ?s ?p ?o }",
                                "LOAD <http://x/data.ttl>", "CLEAR ALL", "DROP GRAPH <a:g>"])  # fmt: skip
def test_updates_sent_as_queries_are_refused_with_a_hint(op):
    with pytest.raises(ForbiddenQueryError, match="update="):
        prepare("PREFIX x: <http://x/>\n" + op, 10)


def test_keywords_inside_strings_iris_and_variables_are_not_refused(store):
    q = 'SELECT ?service ?load WHERE { ?service ?p "SERVICE desk" . OPTIONAL { ?load <http://x/load> ?x } }'
    assert run(store, prepare(q, 10)).kind == "select"
    q = "PREFIX service: <http://x/> SELECT ?x1SERVICE WHERE { ?x1SERVICE service:SERVICE _:b1SERVICE }"
    assert run(store, prepare(q, 10)).kind == "select"
    q = 'SELECT ?s WHERE { ?s ?p "x"@en-service }'  # a language tag is not a keyword
    assert run(store, prepare(q, 10)).kind == "select"


def test_escaped_keywords_outside_strings_are_refused():
    with pytest.raises(QueryError):
        prepare(r"SELECT * WHERE { \u0053ERVICE <http://x/> { ?s ?p ?o } }", 10)


@pytest.mark.parametrize(
    "update", ["LOAD <http://x/a.ttl>", "CLEAR DEFAULT", "DROP ALL", "MOVE <a:x> TO <a:y>",
               "INSERT { ?s ?p ?o } WHERE { SERVICE <http://x/> { ?s ?p ?o } }"],
)  # fmt: skip
def test_updates_never_load_clear_drop_or_reach_out(update):
    with pytest.raises(ForbiddenQueryError):
        check_update(update)
    check_update('INSERT DATA { <a:b> <a:c> "LOAD and DROP are words here" }')
    with pytest.raises(ForbiddenQueryError):
        check_update("INSERT DATA { <a:b> <a:c> 1 } ; 1LOAD <http://x/a.ttl>")


# -- the row cap --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv", "csv"])
def test_row_cap_returns_exactly_cap_rows_and_says_so(store, fmt):
    out = run(
        store, prepare("SELECT ?s ?r WHERE { ?s <http://ex.org/rank> ?r }", 7, format_param=fmt)
    )
    assert out.truncated and out.rows == 7
    if fmt == "csv":
        assert out.body.count(b"\r\n") == 8  # header + 7 rows
    else:
        assert len(_rows(out)) == 7


def test_results_within_the_cap_are_complete_and_not_flagged(store):
    out = run(store, prepare("SELECT ?s WHERE { ?s a nokg:Model }", 7))
    assert not out.truncated and {r["s"].value for r in _rows(out)} == {EX + "m1", EX + "m2"}


def test_a_query_with_its_own_small_limit_is_run_as_written(store):
    p = prepare("SELECT ?r WHERE { ?s <http://ex.org/rank> ?r } LIMIT 3", 100)
    assert not p.is_capped and p.text == p.query
    assert len(_rows(run(store, p))) == 3


def test_capping_keeps_order_projection_values_and_from(store):
    q = """PREFIX ex: <http://ex.org/>
SELECT ?r (STR(?s) AS ?iri) FROM ex:g\\/items WHERE { ?s ex:rank ?r }
ORDER BY DESC(?r) LIMIT 500"""
    q = q.replace("ex:g\\/items", "<http://ex.org/g/items>")
    out = run(store, prepare(q, 5, format_param="json"))
    rows = _rows(out)
    assert out.truncated and [int(r["r"].value) for r in rows] == [1999, 1998, 1997, 1996, 1995]
    assert list(rows[0]) == ["r", "iri"]  # the SELECT clause's order, not alphabetical
    values = (
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o } VALUES ?s { <http://ex.org/m1> <http://ex.org/m2> }"
    )
    assert {r["s"].value for r in _rows(run(store, prepare(values, 3)))} == {EX + "m1", EX + "m2"}


def test_literals_with_tabs_and_newlines_survive_the_cap(store):
    q = "SELECT ?n WHERE { ?m <http://schema.org/name> ?n } ORDER BY ?n"
    out = run(store, prepare(q, 1, format_param="json"))  # cut through TSV, then JSON
    (row,) = _rows(out)
    assert out.truncated and row["n"].value == "Model one\twith a tab\nand a newline"


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "rdfxml"])
def test_graph_results_are_capped_in_every_rdf_format(store, fmt):
    out = run(store, prepare("CONSTRUCT WHERE { ?s <http://ex.org/rank> ?r }", 4, format_param=fmt))
    rdf = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
           "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}[fmt]  # fmt: skip
    assert out.truncated and len(list(ox.parse(out.body, format=rdf))) == 4


# -- errors point at the query as sent --------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["SELECT * WHERE { ?s ?p }",  # a LIMIT is appended after it
     "PREFIX x: <http://x/>\nSELECT ?s\nWHERE {\n  ?s ?p ?o .\n  FILTER(?o = }",
     "SELECT ?s WHERE { ?s ?p ?o } VALUES ?s { <a:b> ",  # wrapped in a sub-select
     "SELECT ?s (STR(?s) AS ?t) WHERE { ?s ?p ?o FILTER(?o = ) }"],  # error on the form's line
)  # fmt: skip
def test_syntax_errors_give_the_line_and_column_of_the_query_as_sent(store, query):
    with pytest.raises(SyntaxError) as raw:  # where pyoxigraph places the error, uncapped
        store.query(query)
    where = re.search(r"error at \d+:\d+", str(raw.value)).group(0)
    with pytest.raises(QueryError, match=where):
        run(store, prepare(query, 10))


# -- datasets, substitutions, formats -------------------------------------------------------------


def test_default_graph_is_the_union_unless_graphs_are_named(store):
    q = "SELECT ?m WHERE { ?m a nokg:Model }"
    assert len(_rows(run(store, prepare(q, 10)))) == 2
    only_a = prepare(q, 10, default_graphs=[EX + "g/a"])
    assert [r["m"].value for r in _rows(run(store, only_a))] == [EX + "m1"]
    g = prepare("SELECT ?g WHERE { GRAPH ?g { ?m a nokg:Model } }", 10, named_graphs=[EX + "g/b"])
    assert [r["g"].value for r in _rows(run(store, g))] == [EX + "g/b"]
    with pytest.raises(QueryError, match="absolute IRI"):
        prepare(q, 10, default_graphs=["not an iri"])


def test_substitutions_bind_values_as_terms_not_text(store):
    q = "SELECT ?m ?d WHERE { ?m <http://ex.org/uses> ?d }"
    p = prepare(q, 10, substitutions=[("m", _n("m2"))])
    assert [r["m"].value for r in _rows(run(store, p))] == [EX + "m2"]
    evil = prepare(q, 10, substitutions=[("m", ox.Literal("x } UNION { ?m ?p ?d"))])
    assert _rows(run(store, evil)) == []


def test_negotiation_follows_q_values_and_format_wins():
    assert negotiate("select", "text/csv;q=0.5, application/sparql-results+xml") == "xml"
    assert negotiate("select", "text/html, */*;q=0.1") == "json"
    assert negotiate("graph", "application/rdf+xml", "ttl") == "turtle"
    with pytest.raises(UnsupportedFormatError):
        negotiate("graph", None, "csv")
    with pytest.raises(UnsupportedFormatError):
        negotiate("select", "image/png")


def test_cli_execute_still_gives_rows_of_terms(store):
    r = execute(store, "SELECT ?s ?r WHERE { ?s <http://ex.org/rank> ?r }", 5)
    assert r.variables == ["s", "r"] and len(r.rows) == 5 and r.truncated
    assert execute(store, "ASK { ?s a nokg:Model }", 5).boolean is True


# -- which queries may run in the serving process ------------------------------------------------


@pytest.mark.parametrize(
    ("query", "fast"),
    [("SELECT ?p ?o WHERE { <http://ex.org/m1> ?p ?o }", True),
     ("SELECT * WHERE { { <http://ex.org/m1> ?p ?o } UNION { ?s ?p <http://ex.org/m1> } }", True),
     ("ASK { ?s a nokg:Model }", True),
     ("SELECT * WHERE { ?s ?p ?s }", False),  # a repeated variable filters while it scans
     ("SELECT * WHERE { ?m a nokg:Model ; ?p ?o }", False),
     ("SELECT * WHERE { <http://ex.org/m1> ?p ?o } ORDER BY ?o", False),
     ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", False),
     ("SELECT * WHERE { <http://ex.org/m1> <http://ex.org/p>* ?o }", False)],
)  # fmt: skip
def test_only_queries_that_yield_a_row_per_step_are_fast(query, fast):
    assert analyse(query).fast is fast


def test_work_bound_admits_a_tree_lookup_and_refuses_a_hub_join(store):
    tsv = {k: run(store, prepare(q, 10**6, format_param="tsv")).body for k, q in FAN_OUT_QUERIES.items()}  # fmt: skip
    fan = FanOut.from_tsv(tsv["out"], tsv["in"])
    tree = (
        "SELECT * WHERE { <http://ex.org/m1> <http://ex.org/uses> ?d . ?m <http://ex.org/uses> ?d }"
    )
    hub = "SELECT * WHERE { ?s <http://ex.org/rank> ?r . ?t <http://ex.org/rank> ?r2 . ?s <http://ex.org/uses> ?t }"  # fmt: skip
    assert work_bound(tree, analyse(tree), fan, PREFIXES) <= INLINE_WORK_BUDGET
    assert work_bound(hub, analyse(hub), fan, PREFIXES) is None or work_bound(hub, analyse(hub), fan, PREFIXES) > INLINE_WORK_BUDGET  # fmt: skip


# -- the worker pool ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pool():
    p = WorkerPool(2)
    p.start()
    yield p
    p.close()


def test_pool_answers_like_the_store_and_passes_errors_back(pool, store_path, store):
    p = prepare("SELECT ?m WHERE { ?m a nokg:Model }", 10, format_param="tsv")
    assert pool.run(store_path, p, 10).body == run(store, p).body
    with pytest.raises(QueryError, match="error at 1:25"):
        pool.run(store_path, prepare("SELECT * WHERE { ?s ?p }", 10), 10)


def test_pool_stops_a_runaway_query_on_time_and_keeps_serving(pool, store_path):
    timeout, results = 1.0, {}

    def runaway():
        t0 = time.monotonic()
        try:
            pool.run(store_path, prepare(CROSS3, 10), timeout)
        except QueryTimeoutError as exc:
            results["error"] = (exc, time.monotonic() - t0)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.2)
    t0 = time.monotonic()
    cheap = pool.run(store_path, prepare("ASK { ?s a nokg:Model }", 10), 5)  # the other worker
    assert cheap.body == b'{"head":{},"boolean":true}' and time.monotonic() - t0 < 0.5
    thread.join(5)
    exc, took = results["error"]
    assert "1 s limit" in str(exc) and took < timeout + 1
    kills = pool.kills
    assert kills >= 1
    # the killed worker is replaced: two queries at once still both run
    outs = []
    both = [threading.Thread(target=lambda: outs.append(pool.run(store_path, prepare("ASK {}", 1), 5))) for _ in range(2)]  # fmt: skip
    for t in both:
        t.start()
    for t in both:
        t.join(10)
    assert len(outs) == 2


def test_workers_cannot_reach_the_network_where_namespaces_are_allowed(pool, store_path):
    """Defense in depth behind the SERVICE check (skipped without CAP_SYS_ADMIN)."""
    import ctypes
    import os
    import socket

    pid = os.fork()
    if pid == 0:  # probe whether this machine lets a process take its own network namespace
        os._exit(0 if ctypes.CDLL(None, use_errno=True).unshare(0x40000000) == 0 else 1)
    if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0:
        pytest.skip("network namespaces need CAP_SYS_ADMIN here")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(1.5)
    port = listener.getsockname()[1]
    from kg.sparql_exec import Prepared, Shape

    # Bypass the checks on purpose, as a query the checks missed would.
    q = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    p = Prepared(q, q, Shape("select", 0, False, None), "json", 10)
    with pytest.raises(RuntimeError, match="unreachable"):
        pool.run(store_path, p, 5)
    with pytest.raises(TimeoutError):  # nothing ever connected
        listener.accept()
    listener.close()
