"""A SPARQL server as the RDF store: `oxigraph serve` started here, ingested into, queried
through KnowledgeBase.sparql, updated incrementally, rolled back; same answers as on disk."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import write_kb

from ingest.discover import discover
from ingest.kb_config import load_kb_config
from ingest.linker import link
from ingest.parse import parse_source
from kg.errors import IngestError
from kg.knowledge_base import KnowledgeBase
from kg.settings import RetrievalSettings, Settings, SparqlSettings

pytestmark = pytest.mark.integration

CARDS = {
    "kb/model_cards/alpha.yaml": """
        id: alpha
        name: Alpha-LM
        modality: dna
        architecture: {type: Transformer, context_length: 4096}
        datasets: [gencode]
    """,
    "kb/model_cards/beta.yaml": """
        id: beta
        name: Beta-fMRI
        modality: fmri
        architecture: {type: JEPA, context_length: 160}
        datasets: [ukb_fmri]
    """,
    "kb/datasets/gencode.yaml": "id: gencode\nname: GENCODE\nmodality: dna\n",
    "kb/datasets/ukb_fmri.yaml": "id: ukb_fmri\nname: UK Biobank fMRI\nmodality: fmri\n",
    "docs/models/alpha.md": "# Alpha-LM\n\nAlpha-LM reads DNA with 4096 tokens of context.\n",
}
CONTEXT = """SELECT ?m ?ctx WHERE { ?m a nokg:Model ; nokg:fact ?f .
    ?f nokg:propertyName "context_length" ; nokg:value ?ctx } ORDER BY ?m"""
MODELS = "SELECT ?m ?n WHERE { ?m a nokg:Model ; schema:name ?n } ORDER BY ?n"


def _oxigraph() -> str:
    exe = Path(sys.executable).with_name("oxigraph")
    found = str(exe) if exe.exists() else shutil.which("oxigraph")
    if found is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    return found


@pytest.fixture
def server(tmp_path):
    """`oxigraph serve` on a free loopback port with its data in tmp_path; stopped after."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [
            _oxigraph(),
            "serve",
            "--location",
            str(tmp_path / "oxigraph"),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"oxigraph serve did not start: {proc.stderr.read().decode()[-500:]}")
        time.sleep(0.1)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _kb(kb: Path, home: Path, url: str | None) -> KnowledgeBase:
    return KnowledgeBase(
        Settings(
            kb=kb,
            home=home,
            retrieval=RetrievalSettings(embedder="hash", embed=False),
            sparql=SparqlSettings(remote_url=url),
        )
    )


def _rows(kb: KnowledgeBase, query: str) -> list[tuple]:
    return [tuple(t.value for t in row) for row in kb.sparql(query).rows]


def _graph_sizes(url: str) -> dict[str, int]:
    q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    r = httpx.post(f"{url}/query", data={"query": q}, headers={"Accept": "text/csv"})
    return {g: int(n) for g, n in (line.split(",") for line in r.text.split()[1:])}


def test_a_small_kb_answers_the_same_from_the_server_as_from_disk(server, tmp_path):
    kb_dir = write_kb(tmp_path / "kb", CARDS)
    remote, local = _kb(kb_dir, tmp_path / "r", server), _kb(kb_dir, tmp_path / "l", None)
    remote.ingest(), local.ingest()
    assert _rows(remote, CONTEXT) == _rows(local, CONTEXT)
    assert [r[1] for r in _rows(remote, MODELS)] == ["Alpha-LM", "Beta-fMRI"]
    assert remote.sparql("ASK { ?d a nokg:Dataset }").boolean is True
    construct = "CONSTRUCT { ?m schema:name ?n } WHERE { ?m a nokg:Model ; schema:name ?n }"
    assert {str(t) for t in remote.sparql(construct).triples} == {
        str(t) for t in local.sparql(construct).triples
    }
    # the server records which generation it holds: the one SQL made current
    assert remote.stores.rdf.generation() == remote.stats()["generation"]
    assert not list((tmp_path / "r").glob("rdf-remote/undo-*"))  # committed: no undo log left
    with pytest.raises(Exception, match="error at 1:"):
        remote.sparql("SELECT ?x WHERE { ?x")  # parser errors read as they do on disk


def test_one_changed_file_replaces_only_its_graph_in_one_request(server, tmp_path):
    kb_dir = write_kb(tmp_path / "kb", CARDS)
    kb = _kb(kb_dir, tmp_path / "home", server)
    kb.ingest()
    before = _graph_sizes(server)
    rdf = kb.stores.rdf
    sent = rdf.requests
    assert kb.ingest().upserted == [] and rdf.requests == sent  # no change: nothing sent

    card = kb_dir / "kb/model_cards/beta.yaml"
    card.write_text(card.read_text().replace("context_length: 160", "context_length: 320"))
    report = kb.ingest()
    assert report.upserted == ["kb/model_cards/beta.yaml"]
    assert rdf.requests == sent + 1
    assert ("beta", "320") in {(m.rsplit("/", 1)[1], c) for m, c in _rows(kb, CONTEXT)}
    after = _graph_sizes(server)
    beta = str(rdf.graph_iri("kb/model_cards/beta.yaml"))
    assert {g: n for g, n in after.items() if g != beta and "kg-state" not in g} == {
        g: n for g, n in before.items() if g != beta and "kg-state" not in g
    }

    (kb_dir / "docs/models/alpha.md").unlink()
    assert kb.ingest().deleted == ["docs/models/alpha.md"]
    assert str(rdf.graph_iri("docs/models/alpha.md")) not in _graph_sizes(server)


def test_a_failed_ingest_is_rolled_back_and_a_crashed_one_on_the_next_run(server, tmp_path):
    kb_dir = write_kb(tmp_path / "kb", CARDS)
    kb = _kb(kb_dir, tmp_path / "home", server)
    kb.ingest()
    good = _rows(kb, CONTEXT)
    sizes = _graph_sizes(server)
    gen = kb.stores.current_generation()
    rdf = kb.stores.rdf
    card = kb_dir / "kb/model_cards/alpha.yaml"
    card.write_text(card.read_text().replace("4096", "8192"))

    # The pipeline's order: the server is updated, then SQL would commit. Stop between them.

    sources, _ = discover(kb_dir, load_kb_config(kb_dir), 2_000_000)
    src = next(s for s in sources if s.path == "kb/model_cards/alpha.yaml")
    linked = [ls for ls in link([parse_source(kb_dir, src, 2_000_000)]) if ls.path == src.path]
    kb.stores.stage_rdf(gen, "g-failed", linked, [], kb.stores.base_iri, {"alpha": "model"})
    assert rdf.generation() == "g-failed" and ("8192" in str(_rows(kb, CONTEXT)))
    kb.stores.discard("g-failed")  # what the pipeline does when the SQL commit fails
    assert rdf.generation() == gen and _rows(kb, CONTEXT) == good
    assert _graph_sizes(server) == sizes

    # A process that died after the update: the next ingest rolls back first, then applies.
    kb.stores.stage_rdf(gen, "g-crashed", linked, [], kb.stores.base_iri, {"alpha": "model"})
    assert rdf.generation() == "g-crashed"
    fresh = _kb(kb_dir, tmp_path / "home", server)
    report = fresh.ingest()
    assert report.upserted == ["kb/model_cards/alpha.yaml"]
    assert fresh.stores.rdf.generation() == report.generation == fresh.stats()["generation"]
    assert ("alpha", "8192") in {(m.rsplit("/", 1)[1], c) for m, c in _rows(fresh, CONTEXT)}


def test_another_kb_writing_to_the_same_server_is_refused_with_a_hint(server, tmp_path):
    kb_dir = write_kb(tmp_path / "kb", CARDS)
    first = _kb(kb_dir, tmp_path / "a", server)
    first.ingest()
    _kb(kb_dir, tmp_path / "b", server).ingest()  # a cold load takes the server over
    card = kb_dir / "kb/datasets/gencode.yaml"
    card.write_text(card.read_text() + "access: open\n")
    with pytest.raises(IngestError, match="holds generation .* fresh state folder"):
        first.ingest()
    assert first.stats()["generation"] is not None  # the SQL store kept its last good state


def test_the_corpus_loads_in_small_batches_and_matches_the_disk_store(server, tmp_path, corpus):
    remote, local = _kb(corpus, tmp_path / "r", server), _kb(corpus, tmp_path / "l", None)
    remote.stores.rdf.batch_quads = 5_000  # force many update requests
    remote.ingest(), local.ingest()
    assert remote.stores.rdf.requests > 5
    for q in (
        MODELS,
        CONTEXT,
        "SELECT ?k (COUNT(*) AS ?n) WHERE { ?e a ?k } GROUP BY ?k ORDER BY ?k",
        # every quad but the server's own generation marker
        'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(!STRENDS(STR(?g), "/kg-state")) }',
    ):
        assert _rows(remote, q) == _rows(local, q), q
    assert remote.validate() == local.validate()  # SHACL reads the server's quads too
