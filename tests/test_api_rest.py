"""REST resources over HTTP (httpx) against a real uvicorn server on the ingested reference
corpus: filters and pages, facts with provenance, IRIs that dereference to JSON-LD and
Turtle, walks, comparisons, source lines, and one error shape for every error."""

from __future__ import annotations

import httpx
import pytest
import rdflib

from api.server import serving
from kg.settings import SparqlSettings

ENVELOPE_KEYS = {"status", "code", "message", "hint"}


@pytest.fixture(scope="module")
def api(corpus_kb):
    settings = corpus_kb.settings.model_copy(update={"sparql": SparqlSettings(timeout_s=1.5)})
    with serving(settings) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def assert_envelope(r: httpx.Response, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == ENVELOPE_KEYS
    assert body["error"]["status"] == status and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def test_entities_filter_and_page_with_a_link_to_the_next_page(api):
    first = api.get("/entities", params={"type": "model", "limit": 5}).json()
    assert first["total"] == 20 and len(first["items"]) == 5
    assert all(e["kind"] == "model" for e in first["items"])
    second = api.get(first["next"]).json()
    assert second["offset"] == 5 and {e["id"] for e in second["items"]}.isdisjoint(
        {e["id"] for e in first["items"]}
    )
    fmri = api.get("/entities", params={"modality": "fmri"}).json()
    assert fmri["total"] > 0 and fmri["total"] < 142
    found = api.get("/entities", params={"q": "brainl"}).json()["items"]
    assert "brainlm" in [e["id"] for e in found]


def test_an_entity_has_every_fact_with_its_file_and_lines(api):
    e = api.get("/entities/BrainLM").json()  # names and aliases resolve too
    assert e["id"] == "brainlm" and e["iri"] == "https://neuro-omics-kg.org/kb/model/brainlm"
    ctx = [a for a in e["attributes"] if a["path"] == "context_length"]
    assert ctx and ctx[0]["value"] == 207760
    assert (
        ctx[0]["where"]["source"] == "kb/model_cards/brainlm.yaml"
        and ctx[0]["where"]["lines"][0] > 0
    )
    assert any(link["predicate"] == "has_modality" for link in e["outgoing"])


@pytest.mark.parametrize(
    ("accept", "fmt"), [("application/ld+json", "json-ld"), ("text/turtle", "turtle")]
)
def test_entity_iris_dereference_to_rdf_by_content_negotiation(api, accept, fmt):
    iri = "https://neuro-omics-kg.org/kb/model/brainlm"
    for path in ("/entities/brainlm", "/model/brainlm", "/kb/model/brainlm"):
        r = api.get(path, headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
        g = rdflib.Graph().parse(data=r.text, format=fmt)
        names = list(g.objects(rdflib.URIRef(iri), rdflib.URIRef("http://schema.org/name")))
        assert [str(n) for n in names] == ["BrainLM"]
        yaml_paths = {
            str(o)
            for o in g.objects(None, rdflib.URIRef("https://neuro-omics-kg.org/ontology#yamlPath"))
        }
        assert "context_length" in yaml_paths  # the reified facts come along, with provenance
    assert api.get("/model/brainlm").json()["id"] == "brainlm"  # JSON by default
    assert_envelope(api.get("/paper/brainlm"), 404, "unknown-entity")


def test_doc_ids_with_slashes_work_in_paths(api):
    assert api.get("/entities/docs/index").json()["kind"] == "doc"
    assert api.get("/doc/docs/index").status_code == 200
    assert api.get("/entities/docs/index/neighbors").status_code == 200


def test_neighbors_and_paths_cite_their_edges(api):
    near = api.get("/entities/brainlm/neighbors", params={"depth": 1}).json()
    assert near and all(n["distance"] == 1 for n in near)
    assert all(n["via"]["where"]["source"] for n in near)
    target = near[0]["id"]
    path = api.get("/path", params={"from": "brainlm", "to": target}).json()
    assert path["start"] == "brainlm" and path["end"] == target and len(path["steps"]) == 1


def test_resources_list_one_kind_with_facet_counts(api):
    models = api.get("/models", params={"limit": 3}).json()
    assert models["total"] == 20 and len(models["items"]) == 3
    assert models["facets"]["modality"] and all(
        v > 0 for v in models["facets"]["modality"].values()
    )
    for plural, kind in [
        ("papers", "paper"),
        ("datasets", "dataset"),
        ("integrations", "integration"),
    ]:
        page = api.get(f"/{plural}").json()
        assert page["total"] > 0 and {e["kind"] for e in page["items"]} == {kind}
    mods = {m["id"]: m for m in api.get("/modalities").json()}
    assert mods["genetics"]["entities"] > 0 and mods["fmri"]["iri"].endswith("/modality/fmri")


def test_search_returns_passages_with_their_source_lines(api):
    hits = api.get("/search", params={"q": "BrainLM fMRI masked autoencoder", "k": 3}).json()[
        "hits"
    ]
    assert len(hits) == 3 and hits[0]["rank"] == 1
    assert all(h["where"]["source"] and h["where"]["lines"][0] >= 1 for h in hits)


def test_compare_gives_cells_with_sources_and_other_formats(api):
    t = api.get(
        "/compare", params={"ids": "brainlm,caduceus", "fields": "parameters,context window"}
    ).json()
    assert [r["key"] for r in t["rows"]] == ["brainlm", "caduceus"]
    cell = t["rows"][0]["cells"]["context_length"]
    assert cell["value"] == 207760 and cell["values"][0]["source"] == "kb/model_cards/brainlm.yaml"
    md = api.get("/compare", params={"ids": "brainlm,caduceus", "format": "md"})
    assert md.headers["content-type"].startswith("text/markdown") and "| BrainLM" in md.text
    assert_envelope(
        api.get("/compare", params={"ids": "brainlm,nosuchmodel"}), 404, "unknown-entity"
    )


def test_sources_serve_cited_lines_and_never_leave_the_kb(api):
    r = api.get("/sources/kb/model_cards/brainlm.yaml", params={"lines": "1-2"}).json()
    assert r["text"] == "id: brainlm\nname: BrainLM" and (r["start"], r["end"]) == (1, 2)
    plain = api.get(
        "/sources/kb/model_cards/brainlm.yaml?lines=2", headers={"Accept": "text/plain"}
    )
    assert plain.text == "name: BrainLM"
    for bad in ("/sources/..%2F..%2F..%2Fetc%2Fpasswd", "/sources/%2Fetc%2Fpasswd"):
        assert_envelope(api.get(bad), 400, "bad-source-path")
    assert_envelope(api.get("/sources/kb/model_cards/nope.yaml"), 404, "source-not-found")
    assert_envelope(api.get("/sources/kb/model_cards/brainlm.yaml?lines=9-3"), 400)


def test_stats_conflicts_findings_and_health(api):
    stats = api.get("/stats").json()
    assert stats["entities"]["model"] == 20 and stats["generation"]
    conflicts = api.get("/conflicts").json()
    assert all(len(c["values"]) >= 2 and c["values"][0]["where"]["source"] for c in conflicts)
    findings = api.get("/findings", params={"severity": "error"}).json()
    assert all(f["severity"] == "error" and f["source"] for f in findings)
    health = api.get("/health").json()
    assert health["status"] == "ok" and health["generation"] == stats["generation"]


def test_ask_answers_with_citations_to_source_lines(api):
    r = api.post("/ask", json={"question": "What is the context length of BrainLM?"})
    if r.status_code == 501:  # a build without the answerer
        assert_envelope(r, 501, "not-implemented")
    else:
        answer = r.json()
        assert "207760" in answer["answer"]
        cited = answer["citations"][0]
        assert cited["source"] == "kb/model_cards/brainlm.yaml" and cited["lines"][0] >= 1
        lines = api.get(
            f"/sources/{cited['source']}", params={"lines": "{}-{}".format(*cited["lines"])}
        )
        assert "207760" in lines.json()["text"]  # the citation resolves to the cited text
    assert_envelope(api.post("/ask", json={"question": ""}), 422, "invalid-request")


def test_every_error_has_the_same_envelope(api):
    """400, 404, 405, 422, 406, 413 and 504 (a pathological query stopped at the timeout)."""
    err = assert_envelope(
        api.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}), 400, "malformed-query"
    )
    assert "1:25" in err["message"] and "^" in err["hint"]
    assert_envelope(api.get("/entities/no-such-thing"), 404, "unknown-entity")
    assert_envelope(api.get("/no/such/route/here"), 404, "not-found")
    assert_envelope(api.delete("/stats"), 405, "method-not-allowed")
    assert_envelope(api.get("/entities", params={"limit": -1}), 422, "invalid-request")
    assert_envelope(api.get("/entities", params={"type": "spaceship"}), 422, "invalid-request")
    assert_envelope(
        api.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"}), 406
    )
    assert_envelope(
        api.post("/ask", content=b"x" * 1_000_001, headers={"content-type": "application/json"}),
        413,
    )
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
    assert_envelope(api.get("/sparql", params={"query": cross}), 504, "query-timeout")
