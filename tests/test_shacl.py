"""SHACL validation reports bad data as findings at the file and line of the bad value."""

from __future__ import annotations

from store_fixtures import BASE, attr, doc_source, model_source, paper_source, small_kb

from kg.rdf.mapping import quads_for, vocabulary_quads
from kg.rdf.store import RdfStore
from kg.shacl import validate


def quads(sources):
    kinds = {e.id: e.kind for ls in sources for e in ls.parsed.entities}
    return [q for ls in sources for q in quads_for(ls, BASE, kinds)] + vocabulary_quads(BASE)


def test_a_good_graph_conforms():
    assert validate(quads(small_kb())) == []


def test_bad_values_are_reported_at_their_file_and_line():
    bad_model = model_source("badmodel", "Bad model", context_length="128k", modality="qwerty")
    undated = paper_source("undated_2024", year=None, model=None)
    found = validate(quads(small_kb() + [bad_model, undated]))
    summary = [(f.severity, f.code, f.source, f.line) for f in found]
    assert summary == [
        ("error", "shacl-class", "kb/model_cards/badmodel.yaml", 3),
        ("error", "shacl-datatype", "kb/model_cards/badmodel.yaml", 8),
        ("warning", "shacl-mincount", "kb/paper_cards/undated_2024.yaml", 1),
    ]
    ctx = found[1]
    assert "badmodel arch.context_length" in ctx.message and "'128k'" in ctx.message
    assert "131072" in ctx.hint
    assert str(ctx).startswith("kb/model_cards/badmodel.yaml:8: ")


def test_two_different_context_lengths_on_one_card_are_a_violation():
    twice = model_source("twice", "Twice", context_length=1024)
    twice.parsed.attributes.append(
        attr("twice", "context_length", "2048", 2048, twice.path, 17, "context_length", "integer")
    )
    [finding] = validate(quads([twice]))
    assert (finding.code, finding.line) == ("shacl-maxcount", 8)
    assert "single positive integer" in finding.message
    assert finding.message.endswith("(written at lines 8, 17)")


def test_a_stored_generation_validates_through_its_read_only_handle(tmp_path):
    rdf = RdfStore(tmp_path / "rdf", BASE)
    bad = model_source("neg", "Negative", context_length=-5)
    rdf.stage(None, "g1", {"all": quads(small_kb() + [bad])}, [])
    [finding] = validate(rdf.open_read("g1"))
    assert (finding.code, finding.source, finding.line) == (
        "shacl-mininclusive",
        "kb/model_cards/neg.yaml",
        8,
    )
    assert validate(None) == []


def test_a_doc_claiming_another_value_is_reported_with_both_sites():
    doc = doc_source()
    doc.parsed.attributes.append(
        attr(
            "brainjepa", "Overview > Context", "4k", 4096, doc.path, 14, "context_length", "integer"
        )
    )
    [finding] = validate(quads(small_kb()[:-2] + [doc, small_kb()[-1]]))
    assert finding.code == "shacl-maxcount"
    assert finding.message.endswith(
        "(written at docs/models/brainjepa.md:14, kb/model_cards/brainjepa.yaml:8)"
    )
