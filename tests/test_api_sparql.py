"""The SPARQL endpoint with standard clients against a real uvicorn server: SPARQLWrapper in
every result format, rdflib querying it as a remote store, the protocol's corners, timeouts
that stop a pathological query while the server keeps answering, updates behind a bearer
token, and saved queries."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
import rdflib
from conftest import make_settings, write_kb
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)

from api.server import serving
from kg.knowledge_base import KnowledgeBase
from kg.settings import SparqlSettings

MODELS = "SELECT ?m ?name WHERE { ?m a nokg:Model ; schema:name ?name } ORDER BY ?name"
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
CROSS_SORTED = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
TOKEN = "s3cret-token"
TIMEOUT = 1.5

SMALL_KB = {
    "kb/model_cards/alpha.yaml": """
        id: alpha
        name: Alpha
        modality: fmri
        context_length: 512
        datasets: [ukb_demo]
        tags: [test]
    """,
    "kb/model_cards/beta.yaml": """
        id: beta
        name: Beta
        modality: genetics
        context_length: 131072
    """,
    "kb/datasets/ukb_demo.yaml": """
        id: ukb_demo
        name: UKB demo
        modalities: [fmri]
    """,
    "queries/models_by_modality.rq": """
        # title: Models of a modality
        # description: Models whose cards name the modality.
        # param: modality entity — a modality id, name or alias, e.g. fMRI
        SELECT ?model ?name ?modality WHERE {
          ?model a nokg:Model ; schema:name ?name ; nokg:hasModality ?modality .
        } ORDER BY ?name
    """,
    "queries/long_context.rq": """
        # title: Long-context models
        # param: min integer = 1000 — the shortest context length to list
        SELECT ?model ?ctx ?min WHERE { ?model nokg:contextLength ?ctx FILTER(?ctx >= ?min) }
    """,
    "queries/broken.rq": """
        # param: name string
        SELECT ?model WHERE { ?model schema:name ?name }
    """,
}


@pytest.fixture(scope="module")
def corpus_url(corpus_kb):
    sparql = SparqlSettings(timeout_s=TIMEOUT, max_rows=1000)
    with serving(corpus_kb.settings.model_copy(update={"sparql": sparql})) as url:
        yield url


@pytest.fixture(scope="module")
def small_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("small")
    kb_dir = write_kb(root / "kb", SMALL_KB)
    settings = make_settings(kb_dir, root / "home", sparql=SparqlSettings(update_token=TOKEN))
    KnowledgeBase(settings).ingest()
    with serving(settings) as url:
        yield url


def wrapper(url: str, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    sw = SPARQLWrapper(f"{url}/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    if method == "POST":
        sw.setMethod(POST)
    elif method == "POSTDIRECTLY":
        sw.setMethod(POST)
        sw.setRequestMethod(POSTDIRECTLY)
    return sw


# -- standard clients ----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "POSTDIRECTLY"])
def test_sparqlwrapper_json_over_every_protocol_method(corpus_url, method):
    res = wrapper(corpus_url, MODELS, JSON, method).query().convert()
    names = [b["name"]["value"] for b in res["results"]["bindings"]]
    assert len(names) == 20 and "BrainLM" in names and names == sorted(names)


@pytest.mark.parametrize("fmt", [XML, CSV, TSV])
def test_sparqlwrapper_reads_xml_csv_and_tsv_results(corpus_url, fmt):
    res = wrapper(corpus_url, MODELS, fmt).query().convert()
    if fmt == XML:
        names = [n.firstChild.data for n in res.getElementsByTagName("literal")]
    else:
        sep = "," if fmt == CSV else "\t"
        lines = res.decode().strip().splitlines()
        assert lines[0].replace("?", "").split(sep) == ["m", "name"]
        names = [line.split(sep)[1].strip('"') for line in lines[1:]]
    assert len(names) == 20 and "BrainLM" in names


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD])
def test_sparqlwrapper_reads_construct_in_every_rdf_format(corpus_url, fmt):
    q = "CONSTRUCT { ?m schema:name ?n } WHERE { ?m a nokg:Model ; schema:name ?n }"
    res = wrapper(corpus_url, q, fmt).query().convert()
    g = res if isinstance(res, rdflib.Graph) else rdflib.Graph().parse(data=res, format="turtle")
    brainlm = rdflib.URIRef("https://neuro-omics-kg.org/kb/model/brainlm")
    assert (
        len(g) == 20 and str(g.value(brainlm, rdflib.URIRef("http://schema.org/name"))) == "BrainLM"
    )


def test_sparqlwrapper_ask(corpus_url):
    assert wrapper(corpus_url, "ASK { ?m a nokg:Model }", JSON).query().convert()["boolean"] is True
    assert wrapper(corpus_url, "ASK { ?m a nokg:Nothing }", XML).query().convert().getElementsByTagName("boolean")[0].firstChild.data == "false"  # fmt: skip


def test_rdflib_queries_the_endpoint_as_a_remote_store(corpus_url):
    g = rdflib.Graph(store=SPARQLStore(f"{corpus_url}/sparql"))
    rows = list(g.query("PREFIX nokg: <https://neuro-omics-kg.org/ontology#>\n"
                        "PREFIX schema: <http://schema.org/>\n" + MODELS))  # fmt: skip
    assert len(rows) == 20 and "BrainLM" in [str(r.name) for r in rows]
    assert g.query("ASK { ?s ?p ?o }").askAnswer is True
    built = g.query("CONSTRUCT { ?m a <http://x/M> } WHERE { ?m a <https://neuro-omics-kg.org/ontology#Model> }")  # fmt: skip
    assert len(built.graph) == 20


# -- protocol corners ---------------------------------------------------------------------------------


def test_service_description_and_graph_selection(corpus_url):
    sd = httpx.get(f"{corpus_url}/sparql")
    g = rdflib.Graph().parse(data=sd.text, format="turtle")
    SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, SD.endpoint, rdflib.URIRef(f"{corpus_url}/sparql")) in g
    assert (None, SD.feature, SD.UnionDefaultGraph) in g
    graph = "https://neuro-omics-kg.org/kb/source/kb/model_cards/brainlm.yaml"
    only = httpx.get(f"{corpus_url}/sparql", params={"query": MODELS, "default-graph-uri": graph}).json()  # fmt: skip
    assert [b["name"]["value"] for b in only["results"]["bindings"]] == ["BrainLM"]
    named = httpx.get(f"{corpus_url}/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": graph}).json()  # fmt: skip
    assert [b["g"]["value"] for b in named["results"]["bindings"]] == [graph]


def test_results_over_the_row_cap_are_cut_and_flagged(corpus_url):
    r = httpx.get(
        f"{corpus_url}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }", "format": "tsv"}
    )
    assert r.headers["x-kg-truncated"] == "true" and r.headers["x-kg-row-cap"] == "1000"
    assert len(r.text.strip().splitlines()) == 1001  # header + the cap
    small = httpx.get(f"{corpus_url}/sparql", params={"query": MODELS})
    assert "x-kg-truncated" not in small.headers


def test_protocol_misuse_is_a_clear_4xx(corpus_url):
    post = httpx.post(
        f"{corpus_url}/sparql", content="ASK {}", headers={"content-type": "text/plain"}
    )
    assert post.status_code == 415 and post.json()["error"]["code"] == "unsupported-media-type"
    both = httpx.post(f"{corpus_url}/sparql", data={"query": "ASK {}", "update": "CLEAR ALL"})
    assert both.status_code == 400
    get_update = httpx.get(f"{corpus_url}/sparql", params={"update": "INSERT DATA { <a:b> <a:c> <a:d> }"})  # fmt: skip
    assert get_update.status_code == 400 and "POST" in get_update.json()["error"]["message"]
    service = httpx.get(f"{corpus_url}/sparql", params={"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"})  # fmt: skip
    assert service.status_code == 403 and service.json()["error"]["code"] == "forbidden-query"


# -- timeouts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [CROSS, CROSS_SORTED], ids=["count", "order-by"])
def test_a_pathological_query_times_out_while_the_server_keeps_answering(corpus_url, query):
    out: dict = {}

    def pathological():
        t0 = time.monotonic()
        out["r"] = httpx.get(f"{corpus_url}/sparql", params={"query": query}, timeout=30)
        out["took"] = time.monotonic() - t0

    thread = threading.Thread(target=pathological)
    thread.start()
    time.sleep(0.3)  # it is running now
    t0 = time.monotonic()
    assert httpx.get(f"{corpus_url}/health").status_code == 200
    lookup = "SELECT ?p ?o WHERE { <https://neuro-omics-kg.org/kb/model/brainlm> ?p ?o }"
    assert httpx.get(f"{corpus_url}/sparql", params={"query": lookup}).status_code == 200
    agg = "SELECT ?k (COUNT(?m) AS ?n) WHERE { ?m a ?k } GROUP BY ?k"  # needs the other worker
    assert httpx.get(f"{corpus_url}/sparql", params={"query": agg}).status_code == 200
    assert time.monotonic() - t0 < 1.0
    thread.join(30)
    r = out["r"]
    assert r.status_code == 504 and r.json()["error"]["code"] == "query-timeout"
    assert out["took"] < TIMEOUT + 1
    # the killed worker is replaced: the endpoint still runs blocking queries
    assert httpx.get(f"{corpus_url}/sparql", params={"query": agg}).status_code == 200


# -- updates and saved queries (a small KB of our own) ---------------------------------------------------


def test_updates_need_the_bearer_token(small_url):
    insert = 'INSERT DATA { GRAPH <http://x/notes> { <http://x/n1> <http://x/says> "hello" } }'
    ask = {"query": 'ASK { <http://x/n1> <http://x/says> "hello" }'}
    assert httpx.post(f"{small_url}/sparql", data={"update": insert}).status_code == 401
    wrong = httpx.post(f"{small_url}/sparql", data={"update": insert}, headers={"Authorization": "Bearer nope"})  # fmt: skip
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"].startswith("Bearer")
    assert httpx.get(f"{small_url}/sparql", params=ask).json()["boolean"] is False
    auth = {"Authorization": f"Bearer {TOKEN}"}
    ok = httpx.post(f"{small_url}/sparql", content=insert, headers={**auth, "content-type": "application/sparql-update"})  # fmt: skip
    assert ok.status_code == 204
    assert httpx.get(f"{small_url}/sparql", params=ask).json()["boolean"] is True
    for refused in ("LOAD <http://127.0.0.1:9/x.ttl>", "DROP ALL", "CLEAR GRAPH <http://x/notes>"):
        r = httpx.post(f"{small_url}/sparql", data={"update": refused}, headers=auth)
        assert r.status_code == 403, refused
    sd = rdflib.Graph().parse(data=httpx.get(f"{small_url}/sparql").text, format="turtle")
    assert (
        None,
        None,
        rdflib.URIRef("http://www.w3.org/ns/sparql-service-description#SPARQL11Update"),
    ) in sd


def test_saved_queries_run_by_name_with_typed_parameters(small_url):
    listed = {q["name"]: q for q in httpx.get(f"{small_url}/queries").json()}
    assert listed["models_by_modality"]["params"][0]["type"] == "entity"
    assert "not in the SELECT clause" in listed["broken"]["problem"]
    r = httpx.get(f"{small_url}/queries/models_by_modality", params={"modality": "fMRI"}).json()
    assert [b["name"]["value"] for b in r["results"]["bindings"]] == ["Alpha"]
    csv = httpx.get(f"{small_url}/queries/long_context", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines() == [
        "model,ctx,min",
        "https://neuro-omics-kg.org/kb/model/beta,131072,1000",
    ]
    high = httpx.get(f"{small_url}/queries/long_context", params={"min": "100000"}).json()
    assert [b["model"]["value"].rsplit("/", 1)[1] for b in high["results"]["bindings"]] == ["beta"]
    bad = httpx.get(f"{small_url}/queries/long_context", params={"min": "1; DROP ALL"})
    assert bad.status_code == 400 and "integer" in bad.json()["error"]["message"]
    assert httpx.get(f"{small_url}/queries/long_context", params={"nope": "1"}).status_code == 400
    assert httpx.get(f"{small_url}/queries/models_by_modality").status_code == 400  # required
    assert httpx.get(f"{small_url}/queries/no_such_query").status_code == 404


def test_a_kb_not_yet_ingested_is_served_with_a_clear_503(tmp_path):
    kb_dir = write_kb(tmp_path / "kb", {"kb/model_cards/a.yaml": "id: a\nname: A\n"})
    with serving(make_settings(kb_dir, tmp_path / "home")) as url:
        assert httpx.get(f"{url}/health").json()["generation"] is None
        for path in ("/entities", "/sparql?query=ASK%20%7B%7D"):
            r = httpx.get(url + path)
            assert r.status_code == 503 and r.json()["error"]["code"] == "not-ingested"
            assert "kg ingest" in r.json()["error"]["hint"]


def test_a_kb_on_a_remote_sparql_server_is_served_too(tmp_path):
    """KG_SPARQL__REMOTE_URL: the endpoint forwards queries to `oxigraph serve`."""
    import shutil
    import socket
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).with_name("oxigraph")
    if not exe.exists() and shutil.which("oxigraph") is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    remote = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [str(exe) if exe.exists() else "oxigraph", "serve", "--location", str(tmp_path / "ox"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(200):
            try:
                httpx.get(f"{remote}/query", params={"query": "ASK {}"}, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        kb_dir = write_kb(
            tmp_path / "kb", {k: v for k, v in SMALL_KB.items() if k.startswith("kb/")}
        )
        sparql = SparqlSettings(remote_url=remote, update_token=TOKEN)
        settings = make_settings(kb_dir, tmp_path / "home", sparql=sparql)
        KnowledgeBase(settings).ingest()
        with serving(settings) as url:
            assert httpx.get(f"{url}/health").json()["query_workers"] == 0
            rows = httpx.get(f"{url}/sparql", params={"query": MODELS, "format": "csv"}).text
            assert rows.splitlines()[1:] == ["https://neuro-omics-kg.org/kb/model/alpha,Alpha", "https://neuro-omics-kg.org/kb/model/beta,Beta"]  # fmt: skip
            ttl = httpx.get(f"{url}/model/alpha", headers={"Accept": "text/turtle"})
            g = rdflib.Graph().parse(data=ttl.text, format="turtle")
            assert (rdflib.URIRef("https://neuro-omics-kg.org/kb/model/alpha"), None, rdflib.Literal("Alpha")) in g  # fmt: skip
            r = httpx.post(f"{url}/sparql", data={"update": "INSERT DATA { <a:b> <a:c> <a:d> }"},
                           headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
            assert r.status_code == 403 and remote in r.json()["error"]["message"]
    finally:
        proc.terminate()
        proc.wait(10)
