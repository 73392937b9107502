"""The assistant end to end on a small real KB: answers, citations, confidence, CLI, LLM.

The KB is written to tmp files and ingested into real stores with the deterministic hash
embedder; the optional LLM endpoint is a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from assistant_kb import build
from click.testing import CliRunner

from kg.cli import cli
from retrieval.evaluate import NOT_IN_KB


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("answers"))


def ask(kb, q):
    return kb.ask(q)


def cited(answer):
    return {(c["source"], tuple(c["lines"])) for c in answer["citations"]}


def test_the_json_shape_and_citations_that_quote_the_kb(kb):
    a = ask(kb, "What is the context window of Helix-7?")
    assert set(a) == {"question", "answer", "citations", "intent", "entities", "confidence"}
    assert a["intent"] == "lookup" and a["entities"] == ["helix"]
    assert 0 < a["confidence"] <= 1
    root = Path(kb.settings.kb)
    for c in a["citations"]:
        assert set(c) == {"source", "lines", "entity", "quote"}
        lines = root.joinpath(c["source"]).read_text().splitlines()
        start, end = c["lines"]
        # every citation points at real lines of a KB file, and quotes them
        assert c["quote"].split()[0] in " ".join(lines[start - 1 : end])


def test_a_lookup_leads_with_the_value_and_cites_its_card_line(kb):
    a = ask(kb, "What is the context window of Helix-7?")
    assert a["answer"].startswith("Helix-7 — context length: 131072")
    assert ("kb/model_cards/helix.yaml", (10, 10)) in cited(a)


def test_sources_that_disagree_are_shown_as_such(kb):
    a = ask(kb, "What is the maximum context length of Helix-7?")
    assert "sources differ" in a["answer"]
    assert "1M" in a["answer"] and "docs/models.md:5" in a["answer"]
    assert ("docs/models.md", (5, 5)) in cited(a)


def test_raw_and_normalised_values_are_both_given(kb):
    a = ask(kb, "How many subjects does the Brain Scan Tensors dataset contain?")
    assert "45_000" in a["answer"] and "45000" in a["answer"]


def test_filters_by_value_and_by_number(kb):
    mit = ask(kb, "Which models have MIT-licensed code?")
    assert mit["intent"] == "filter"
    assert "CortexLM" in mit["answer"] and "TinyDNA" in mit["answer"]
    assert "Helix-7" not in mit["answer"]
    long = ask(kb, "Which models have a context length of at least 100000?")
    assert "Helix-7" in long["answer"] and "TinyDNA" not in long["answer"]


def test_relations_and_chains_of_them(kb):
    rel = ask(kb, "Which datasets does CortexLM use?")
    assert rel["intent"] == "relation" and "Brain Scan Tensors" in rel["answer"]
    assert ("kb/model_cards/cortex.yaml", (14, 14)) in cited(rel)
    hop = ask(kb, "What access levels do the datasets used by Helix-7 have?")
    assert hop["intent"] == "multi_hop" and "public" in hop["answer"]
    two = ask(kb, "Which fMRI models use the dataset with 45,000 subjects?")
    assert "CortexLM" in two["answer"] and "Helix-7" not in two["answer"]
    field = ask(
        kb,
        "What is the default harmonization of the Brain Scan Tensors dataset, and what"
        " does that method do?",
    )
    assert "none_baseline" in field["answer"] and "z-scoring" in field["answer"]


def test_compare_gives_a_verdict_and_each_value_with_its_source(kb):
    a = ask(kb, "Which has the longer context window, Helix-7 or TinyDNA?")
    assert a["intent"] == "compare"
    assert a["answer"].startswith("Helix-7 is higher in context length")
    assert "(Helix-7: 131072, TinyDNA: 512)" in a["answer"]  # as written, not 1.31e+05
    assert {"kb/model_cards/helix.yaml", "kb/model_cards/tiny.yaml"} <= {
        c["source"] for c in a["citations"]
    }


def test_a_verdict_says_large_numbers_in_words(kb):
    a = ask(kb, "Which has more parameters, Helix-7 or CortexLM?")
    assert "(Helix-7: 150 million, CortexLM: 111 million)" in a["answer"]


def test_explanations_come_from_passages_with_their_lines(kb):
    a = ask(kb, "Why are gene embeddings averaged over both strands?")
    assert a["intent"] == "text"
    assert "strand-invariant" in a["answer"]
    assert a["citations"][0]["source"] == "docs/guide.md"
    pit = ask(kb, "What pitfall does the guide warn about?")
    assert "Never fit the projection on all data" in pit["answer"]


@pytest.mark.parametrize(
    "question",
    [
        "What is the context length of Geneformer?",  # a name the KB never mentions
        "What learning rate does CortexLM use?",  # a known entity, an absent fact
        "",
        "???",
    ],
)
def test_what_the_kb_does_not_hold_is_said_plainly(kb, question):
    a = ask(kb, question)
    assert a["answer"].startswith(NOT_IN_KB)
    assert a["citations"] == []


def test_the_threshold_comes_from_settings(tmp_path):
    strict = build(tmp_path, min_confidence=1.01)
    assert strict.ask("What is the context window of Helix-7?")["answer"].startswith(NOT_IN_KB)


def test_search_favours_passages_about_the_entities_named(kb):
    hits = kb.search("Helix-7 notes", k=3)
    assert hits and "helix" in hits[0].chunk.entity_ids


def test_evaluate_scores_the_assistant_and_the_baselines(kb, tmp_path):
    qa = tmp_path / "qa.yaml"
    qa.write_text(
        """
- id: a1
  type: lookup
  question: "What is the context window of Helix-7?"
  facts: [["131072"]]
  gold_sources: ["kb/model_cards/helix.yaml"]
- id: a2
  type: unanswerable
  question: "How many parameters does Geneformer have?"
  facts: []
  gold_sources: []
"""
    )
    report = kb.evaluate(qa)
    assert report.overall()["accuracy"] == 1.0
    assert report.overall()["citation_hit"] == 1.0
    peer = kb.evaluate(qa, system="bm25-rag")
    assert peer.overall()["accuracy"] < 1.0  # a naive peer never says it does not know


def test_cli_ask_search_and_eval(kb, tmp_path):
    qa = tmp_path / "qa.yaml"
    qa.write_text(
        '- id: a1\n  type: lookup\n  question: "What is the context window of Helix-7?"\n'
        '  facts: [["131072"]]\n  gold_sources: ["kb/model_cards/helix.yaml"]\n'
    )
    runner = CliRunner()
    base = ["--kb", str(kb.settings.kb), "--home", str(kb.settings.home)]
    env = {"KG_RETRIEVAL__EMBEDDER": "hash"}
    res = runner.invoke(cli, [*base, "ask", "Which datasets does CortexLM use?", "--json"], env=env)
    assert res.exit_code == 0, res.output
    assert "Brain Scan Tensors" in json.loads(res.stdout)["answer"]
    res = runner.invoke(cli, [*base, "ask", "What is the context window of Helix-7?"], env=env)
    assert "131072" in res.stdout and "Sources:" in res.stdout
    res = runner.invoke(cli, [*base, "search", "reverse-complement strands", "-k", "2"], env=env)
    assert res.exit_code == 0 and "docs/guide.md" in res.stdout
    res = runner.invoke(cli, [*base, "eval", str(qa), "--baselines"], env=env)
    assert res.exit_code == 0, res.output
    assert "assistant accuracy lead over the best baseline" in res.stdout
    empty = runner.invoke(cli, ["--kb", str(tmp_path), "--home", str(tmp_path / "h"), "ask", "x"])
    assert empty.exit_code == 2 and "nothing ingested yet" in empty.output
    assert "Traceback" not in empty.output


# -- the optional LLM endpoint: a real HTTP server on 127.0.0.1 ----------------------------------


class FakeLLM(BaseHTTPRequestHandler):
    reply = ""
    status = 200
    seen: list = []

    def do_POST(self):  # noqa: N802 — the http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeLLM.seen.append((self.path, body))
        out = json.dumps({"choices": [{"message": {"content": FakeLLM.reply}}]}).encode()
        self.send_response(FakeLLM.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def llm_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeLLM)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


@pytest.fixture
def llm_kb(tmp_path, llm_url):
    FakeLLM.status, FakeLLM.seen = 200, []
    return build(tmp_path, llm_url=llm_url, llm_model="fake")


def test_the_llm_phrases_the_answer_and_only_real_evidence_is_kept(llm_kb):
    FakeLLM.reply = "Helix-7 reads 131072 tokens [1]; some say a billion [7]."
    a = llm_kb.ask("What is the context window of Helix-7?")
    path, body = FakeLLM.seen[-1]
    assert path == "/v1/chat/completions" and body["model"] == "fake"
    assert "[1]" in body["messages"][1]["content"]  # the evidence was numbered for it
    assert a["answer"] == "Helix-7 reads 131072 tokens [1]; some say a billion ."
    assert [c["source"] for c in a["citations"]] == ["kb/model_cards/helix.yaml"]


def test_an_llm_answer_citing_nothing_real_or_failing_leaves_the_extractive_one(llm_kb):
    FakeLLM.reply = "It is 99 tokens [42]."
    a = llm_kb.ask("What is the context window of Helix-7?")
    assert a["answer"].startswith("Helix-7 — context length: 131072")
    FakeLLM.status = 500
    b = llm_kb.ask("Which datasets does CortexLM use?")
    assert "Brain Scan Tensors" in b["answer"]


GENERALISING = {
    "kb/model_cards/vortex.yaml": """
        id: vortex
        name: Vortex-3
        type: genetics_fm
        summary: A long-context DNA model.
        context_length: 1000000
        """,
    "kb/configs/experiments/cca_run.yaml": """
        id: cca_run
        experiment_name: "Canonical run: gene embeddings x cortical thickness"
        objective: Test shared variance between gene embeddings and cortical thickness.
        status: template
        analysis:
          integration: cca
          n_components: 7
          n_permutations: 2500
          permute: subjects within site
        """,
    "kb/docs/vortex.md": """
        # Vortex-3 notes

        ## Practical considerations

        - GPU requirements of Vortex-3: 80GB cards for the full context window
        - Log the window length used for every gene
        """,
}


@pytest.fixture(scope="module")
def gen_kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("generalise"), files=GENERALISING)


def test_fields_that_each_answer_one_part_answer_a_two_part_question(gen_kb):
    # Neither field alone covers "permutations" and "components"; together they do.
    a = gen_kb.ask(
        "In the canonical run experiment, how many permutations are run and how many "
        "canonical components are fitted?"
    )
    assert "2500" in a["answer"] and "7" in a["answer"]
    assert ("kb/configs/experiments/cca_run.yaml", (8, 8)) in cited(a)


def test_a_passage_naming_part_of_what_is_asked_still_answers(gen_kb):
    # "GPU hardware" is written "GPU requirements": one asked word of two is enough.
    a = gen_kb.ask("What GPU hardware do I need to run Vortex-3 with its full context?")
    assert NOT_IN_KB not in a["answer"]
    assert "80GB" in a["answer"]


def test_a_yes_no_question_on_a_stored_value_is_answered_yes_or_no_before_the_facts(kb):
    assert ask(kb, "Is the CortexLM code licensed under MIT?")["answer"].startswith("Yes.")
    no = ask(kb, "Is the Helix-7 code licensed under MIT?")
    assert no["answer"].startswith("No.") and "Apache-2.0" in no["answer"]
    # A word the KB stores no value of settles nothing: the facts are given without a verdict.
    free = ask(kb, "Does Helix-7 support gradient checkpointing?")
    assert not free["answer"].startswith(("Yes.", "No."))


def test_coordinated_modifiers_of_a_property_each_name_theirs(tmp_path):
    card = """
        id: {id}
        name: {name}
        modality: genetics
        license:
          code: {code}
          weights: {weights}
    """
    kb2 = build(
        tmp_path,
        files={
            "kb/model_cards/ash.yaml": card.format(
                id="ash", name="AshNet", code="MIT", weights="CC-BY-4.0"
            ),
            "kb/model_cards/elm.yaml": card.format(
                id="elm", name="ElmNet", code="BSD-3-Clause", weights="Apache-2.0"
            ),
        },
    )
    # "code and weight licences": both parts of the licence, not only the weights'.
    a = kb2.ask("How do the code and weight licences of AshNet and ElmNet differ?")
    assert a["intent"] == "compare"
    for value in ("MIT", "CC-BY-4.0", "BSD-3-Clause", "Apache-2.0"):
        assert value in a["answer"]
    # A noun later in the clause narrows the property: the licence of the weights, not the code.
    w = kb2.ask("Under what licence are the AshNet model weights distributed?")
    assert "CC-BY-4.0" in w["answer"] and "MIT" not in w["answer"]
    both = kb2.ask("How do the licences on the released weights of AshNet and ElmNet differ?")
    assert "CC-BY-4.0" in both["answer"] and "Apache-2.0" in both["answer"]
    assert "BSD-3-Clause" not in both["answer"]


def test_a_setting_asked_as_a_value_wants_a_number(tmp_path):
    from retrieval.lexicon import asks_number

    assert asks_number("What InfoNCE temperature value is fixed for the aligner?")
    assert asks_number("Which learning rate was used to pretrain it?")
    assert not asks_number("What output dimension and RC handling does it specify?")
    # A cutoff, or a unit asked for, wants a number too.
    assert asks_number("What framewise displacement cutoff do we use when censoring frames?")
    assert asks_number("How long is each run, in seconds?") and asks_number("the TR in ms?")
    kb2 = build(
        tmp_path,
        files={
            "kb/integration_cards/towers.yaml": """
                id: towers
                name: Two-tower aligner
                summary: Aligns gene and brain embeddings with an InfoNCE loss.
                notes: InfoNCE loss with temperature tuning on the validation fold.
            """
        },
    )
    # The card names the temperature but states no value of it.
    a = kb2.ask("What InfoNCE temperature value is fixed for the two-tower aligner?")
    assert a["answer"].startswith(NOT_IN_KB)


def test_two_names_of_one_entity_are_no_comparison_of_two_cards(tmp_path):
    kb2 = build(
        tmp_path,
        files={
            "kb/model_cards/loom.yaml": """
                id: loom
                name: Loom
                aliases: [Loom-A, Loom-B]
                modality: genetics
                summary: DNA language model released in two variants.
            """,
            "docs/loom.md": """
                # Loom variants

                The two variants, Loom-A (strand symmetry by tied weights) and Loom-B (strand
                symmetry by averaging both passes after training), trade strictness for speed.
            """,
        },
    )
    a = kb2.ask("How do Loom-A and Loom-B differ in how they handle strand symmetry?")
    assert a["intent"] != "compare"
    assert "tied weights" in a["answer"] and "averaging both passes" in a["answer"]


def test_our_catalogue_is_the_kb_not_a_tag_to_match(tmp_path):
    card = """
        id: {id}
        name: {name}
        modality: genetics
        license: {lic}
        tags: [{tag}, genomics]
    """
    cards = {"ash": ("AshNet", "MIT", "catalogue"), "elm": ("ElmNet", "MIT", "dna")}
    cards["oak"] = ("OakNet", "Apache-2.0", "dna")
    files = {
        f"kb/model_cards/{i}.yaml": card.format(id=i, name=n, lic=lic, tag=tag)
        for i, (n, lic, tag) in cards.items()
    }
    kb2 = build(tmp_path, files=files)
    # AshNet is tagged "catalogue"; "in our catalogue" means the whole KB.
    a = kb2.ask("Which models in our catalogue are released under an MIT licence?")
    assert "AshNet" in a["answer"] and "ElmNet" in a["answer"] and "OakNet" not in a["answer"]
