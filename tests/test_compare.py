"""Comparison tables: field resolution, cells with provenance, conflicts, sort, transpose.

Unit tests build Attributes by hand (the core works on plain data); the corpus tests at the
end go through a real ingest of the reference corpus.
"""

from __future__ import annotations

import pytest

from kg.compare import EntitySummary, build_table, default_fields, resolve_field
from kg.errors import UnknownEntityError, UnknownFieldError
from kg.ir import Attribute, Conflict, Provenance


def attr(entity, path, raw, value=..., line=1, prop=None, source=None):
    source = source or f"kb/model_cards/{entity}.yaml"
    return Attribute(
        entity=entity,
        path=path,
        raw=str(raw),
        value=raw if value is ... else value,
        prov=Provenance(source, line, line, path),
        property=prop,
    )


def ent(eid, name=None, kind="model"):
    return EntitySummary(eid, kind, name or eid.capitalize(), f"kb/model_cards/{eid}.yaml", 1)


@pytest.fixture
def facts():
    return {
        "alpha": [
            attr("alpha", "modality", "genetics", line=3, prop="modality"),
            attr("alpha", "arch.type", "Hyena", line=6, prop="architecture"),
            attr("alpha", "arch.parameters", "~150M", 150_000_000, line=7, prop="parameters"),
            attr("alpha", "arch.context_length", "131072", 131072, line=8, prop="context_length"),
            attr("alpha", "context_length", "131072", 131072, line=20, prop="context_length"),
            attr("alpha", "license.code", "Apache-2.0", line=30, prop="license"),
            attr("alpha", "license.weights", "CC-BY-NC-4.0", line=31, prop="license_weights"),
            attr("alpha", "datasets[0]", "hg38", line=40, prop="dataset"),
            attr("alpha", "datasets[1]", "gue", line=41, prop="dataset"),
            attr("alpha", "tokenizer.vocab_size", "512", 512, line=50),
        ],
        "beta": [
            attr("beta", "modality", "genetics", line=3, prop="modality"),
            attr("beta", "arch.parameters[0]", "1B", 1e9, line=7, prop="parameters"),
            attr("beta", "arch.parameters[1]", "40B", 4e10, line=8, prop="parameters"),
            attr(
                "beta",
                "arch.context_length",
                "16_384 patches",
                16384,
                line=9,
                prop="context_length",
            ),
            attr("beta", "context_length", "1200", 1200, line=25, prop="context_length"),
            attr("beta", "license.code", "MIT", line=30, prop="license"),
        ],
        "gamma": [
            attr("gamma", "modality", "fmri", line=3, prop="modality"),
            attr("gamma", "arch.parameters", "TBD", "TBD", line=7, prop="parameters"),
        ],
    }


ENTS = [ent("alpha"), ent("beta", "Beta|Pipe"), ent("gamma")]


def test_requested_fields_in_order_with_labels(facts):
    t = build_table(ENTS, facts, ["context_length", "parameters", "license"])
    assert [c.label for c in t.columns] == ["Context length", "Parameters", "License"]
    assert [r.key for r in t.rows] == ["alpha", "beta", "gamma"]
    assert t.corner == "Model"


def test_cell_keeps_raw_normalised_and_provenance(facts):
    cell = build_table(ENTS, facts, ["parameters"]).cell("alpha", "parameters")
    (v,) = cell.values
    assert (v.raw, v.value, v.source, v.line, v.path) == (
        "~150M",
        150_000_000,
        "kb/model_cards/alpha.yaml",
        7,
        "arch.parameters",
    )


def test_same_value_at_two_paths_is_one_value_not_a_conflict(facts):
    cell = build_table(ENTS, facts, ["context_length"]).cell("alpha", "context_length")
    assert not cell.conflict
    assert cell.text() == "131072"
    assert [v.line for v in cell.values] == [20, 8]  # both sources kept, primary path first


def test_disagreeing_paths_are_a_conflict_with_both_values_and_sources(facts):
    cell = build_table(ENTS, facts, ["context_length"]).cell("beta", "context_length")
    assert cell.conflict
    assert {(v.raw, v.line) for v in cell.values} == {("1200", 25), ("16_384 patches", 9)}


def test_list_items_are_one_multi_valued_cell(facts):
    t = build_table(ENTS, facts, ["datasets", "parameters"])
    ds = t.cell("alpha", "dataset")
    assert not ds.conflict and ds.text() == "hg38; gue"
    assert [v.line for v in ds.values] == [40, 41]
    params = t.cell("beta", "parameters")
    assert not params.conflict and params.value == [1e9, 4e10]


def test_differently_named_path_is_not_a_conflict_and_is_its_own_field(facts):
    t = build_table(ENTS, facts, ["license", "license.weights"])
    assert t.cell("alpha", "license").text() == "Apache-2.0"
    assert not t.cell("alpha", "license").conflict
    assert t.cell("alpha", "license.weights").text() == "CC-BY-NC-4.0"


def test_later_vocabulary_path_is_the_value_when_earlier_ones_are_absent(facts):
    facts["gamma"].append(attr("gamma", "license.weights", "MIT", line=12, prop="license_weights"))
    cell = build_table(ENTS, facts, ["license"]).cell("gamma", "license")
    assert cell.text() == "MIT" and cell.values[0].path == "license.weights"


def test_missing_value_is_marked(facts):
    t = build_table(ENTS, facts, ["license"])
    cell = t.cell("gamma", "license")
    assert cell.missing and cell.value is None and cell.text() == "—"


def test_store_conflict_from_another_source_joins_the_cell(facts):
    doc = attr(
        "alpha",
        "Context length",
        "1,048,576",
        1048576,
        line=12,
        prop="context_length",
        source="docs/models/alpha.md",
    )
    conflict = Conflict("alpha", "context_length", [facts["alpha"][3], doc])
    cell = build_table(ENTS, facts, ["context_length"], [conflict]).cell("alpha", "context_length")
    assert cell.conflict
    assert ("docs/models/alpha.md", 12) in {(v.source, v.line) for v in cell.values}
    assert cell.text() == "131072 / 1,048,576"


def test_facts_from_other_files_show_only_through_conflicts(facts):
    doc = attr(
        "gamma", "table0[0].Context", "DNA", None, line=205, prop="context_length",
        source="docs/index.md",
    )  # fmt: skip
    facts["gamma"].append(doc)
    assert build_table(ENTS, facts, ["context_length"]).cell("gamma", "context_length").missing


def test_unreadable_values_do_not_conflict(facts):
    facts["gamma"] += [
        attr(
            "gamma",
            "arch.context_length",
            "variable (TR-adaptive tokens)",
            None,
            9,
            "context_length",
        ),
        attr("gamma", "context_length", "variable (TR-adaptive)", None, 20, "context_length"),
    ]
    cell = build_table(ENTS, facts, ["context_length"]).cell("gamma", "context_length")
    assert not cell.conflict and len(cell.values) == 2 and cell.value == [None, None]


@pytest.mark.parametrize(
    "name, key",
    [
        ("context window", "context_length"),
        ("Context length", "context_length"),
        ("context-length", "context_length"),
        ("params", "parameters"),
        ("licence", "license"),
        ("arch.type", "arch.type"),
        ("tokenizer.vocab_size", "tokenizer.vocab_size"),
        ("datasets", "dataset"),
    ],
)
def test_field_names_synonyms_labels_and_yaml_paths(facts, name, key):
    assert resolve_field(name, facts).key == key


def test_yaml_path_field_reads_leaves_under_it(facts):
    t = build_table(ENTS, facts, ["arch.type", "tokenizer"])
    assert t.cell("alpha", "arch.type").values[0].line == 6
    assert t.cell("beta", "arch.type").missing


def test_unknown_field_suggests_close_names(facts):
    with pytest.raises(UnknownFieldError) as exc:
        build_table(ENTS, facts, ["context_lenght"])
    assert "context_length" in exc.value.suggestions
    assert "did you mean 'context_length'" in str(exc.value)


def test_default_fields_are_the_most_filled_properties(facts):
    keys = [f.key for f in default_fields(facts)]
    assert keys[:2] == ["modality", "parameters"]  # filled in all three, vocabulary order
    assert "name" not in keys and len(keys) == 6
    assert [c.key for c in build_table(ENTS, facts).columns] == keys


def test_sort_numeric_aware_missing_last(facts):
    t = build_table(ENTS, facts, ["context_length"], sort="context_length")
    # beta has 1200 and 16384 (sorts by its smallest); gamma has none.
    assert [r.key for r in t.rows] == ["beta", "alpha", "gamma"]
    t = build_table(ENTS, facts, ["context_length"], sort="-context_length")
    assert [r.key for r in t.rows] == ["alpha", "beta", "gamma"]


def test_sort_numbers_before_text_and_by_a_field_not_shown(facts):
    t = build_table(ENTS, facts, ["license"], sort="parameters")
    assert [r.key for r in t.rows] == ["alpha", "beta", "gamma"]  # 150M < 1B < "TBD"
    t = build_table(ENTS, facts, ["license"], sort="parameters", descending=True)
    assert [r.key for r in t.rows] == ["beta", "alpha", "gamma"]  # 40B > 150M; text after


def test_sort_by_name(facts):
    t = build_table(ENTS, facts, ["license"], sort="-name")
    assert [r.label for r in t.rows] == ["Gamma", "Beta|Pipe", "Alpha"]


def test_transpose_swaps_axes_and_back(facts):
    t = build_table(ENTS, facts, ["parameters", "license"])
    tt = t.transpose()
    assert tt.corner == "Field" and tt.column_corner == "Model"
    assert [c.key for c in tt.columns] == ["alpha", "beta", "gamma"]
    assert [r.label for r in tt.rows] == ["Parameters", "License"]
    assert tt.cell("license", "beta").text() == "MIT"
    back = tt.transpose()
    assert back.corner == "Model" and back.cell("beta", "license").text() == "MIT"


def test_same_entity_twice_is_one_row(facts):
    t = build_table([ent("alpha"), ent("alpha")], facts, ["license"])
    assert len(t.rows) == 1


# -- through the KnowledgeBase, on the reference corpus -------------------------------------


def test_corpus_compare_by_ids_names_and_aliases(corpus_kb):
    t = corpus_kb.compare(
        ["caduceus", "Evo 2", "DNABERT-2"], ["context_length", "parameters", "license"]
    )
    assert [r.key for r in t.rows] == ["caduceus", "evo2", "dnabert2"]
    assert t.cell("caduceus", "context_length").value == 131072
    assert t.cell("dnabert2", "license").text() == "Apache-2.0"


def test_corpus_cell_provenance_points_at_the_card_line(corpus_kb, corpus):
    t = corpus_kb.compare(
        ["caduceus", "evo2", "dnabert2"], ["context_length", "parameters", "license", "arch.type"]
    )
    checked = 0
    for row in t.rows:
        for col, cell in zip(t.columns, row.cells, strict=True):
            for v in cell.values:
                if not v.source.endswith(".yaml"):
                    continue
                line = (corpus / v.source).read_text(encoding="utf-8").splitlines()[v.line - 1]
                leaf = v.path.split(".")[-1].split("[")[0]
                assert leaf in line or v.raw.split()[0] in line, (col.key, v)
                checked += 1
    assert checked >= 12


def test_corpus_unknown_id_suggests(corpus_kb):
    with pytest.raises(UnknownEntityError) as exc:
        corpus_kb.compare(["cadeceus", "evo2"], ["license"])
    assert "caduceus" in exc.value.suggestions
    assert "did you mean" in str(exc.value)


def test_corpus_filter_by_kind_and_modality(corpus_kb):
    t = corpus_kb.compare(
        kind="model", modality="genetics", fields=["context_length"], sort="-context_length"
    )
    keys = [r.key for r in t.rows]
    assert {"caduceus", "evo2", "dnabert2"} <= set(keys)
    assert all(r.kind == "model" for r in t.rows)
    values = [r.cells[0].value for r in t.rows if isinstance(r.cells[0].value, int)]
    assert values == sorted(values, reverse=True)


def test_corpus_default_fields_for_models(corpus_kb):
    t = corpus_kb.compare(["caduceus", "evo2", "dnabert2"])
    keys = [c.key for c in t.columns]
    assert len(keys) == 6 and "context_length" in keys and "name" not in keys


# -- the CLI --------------------------------------------------------------------------------


def run_cli(kb, *args):
    from click.testing import CliRunner

    from kg.cli import cli

    s = kb.settings
    return CliRunner().invoke(cli, ["--kb", str(s.kb), "--home", str(s.home), *args])


def test_cli_compare_markdown(corpus_kb):
    res = run_cli(
        corpus_kb,
        "compare", "caduceus", "evo2", "dnabert2",
        "--fields", "context_length,parameters,license",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0] == "| Model | Context length | Parameters | License |"
    assert [ln.split("|")[1].strip() for ln in lines[2:]] == ["Caduceus", "Evo 2", "DNABERT-2"]
    assert "131072" in lines[2] and "Apache-2.0" in lines[4]


@pytest.mark.parametrize("fmt", ["csv", "json", "html", "latex"])
def test_cli_compare_formats(corpus_kb, fmt):
    import csv
    import io
    import json

    res = run_cli(corpus_kb, "compare", "caduceus", "evo2", "--fields", "license", "--format", fmt)
    assert res.exit_code == 0, res.output
    out = res.stdout
    if fmt == "csv":
        assert list(csv.reader(io.StringIO(out)))[0] == ["Model", "License"]
    elif fmt == "json":
        assert [r["key"] for r in json.loads(out)["rows"]] == ["caduceus", "evo2"]
    elif fmt == "html":
        assert out.startswith("<!doctype html>") and "data-line=" in out
    else:
        assert out.startswith("\\begin{tabular}{ll}")


def test_cli_compare_filter_sort_transpose(corpus_kb):
    res = run_cli(
        corpus_kb, "compare", "--kind", "model", "--modality", "genetics",
        "--fields", "context window", "--sort", "context_length", "--desc", "--transpose",
        "--format", "csv",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    header, row = res.stdout.splitlines()
    assert header.startswith("Field,") and "Evo 2" in header and "Caduceus" in header
    assert row.startswith("Context length,")


@pytest.mark.parametrize(
    "args, message",
    [
        (["compare", "cadeceus", "evo2"], "no entity matches 'cadeceus' — did you mean 'caduceus'"),
        (["compare", "evo2", "--fields", "licnese"], "did you mean 'license'"),
        (["compare"], "nothing to compare"),
    ],
)
def test_cli_compare_errors_exit_2_with_one_line(corpus_kb, args, message):
    res = run_cli(corpus_kb, *args)
    assert res.exit_code == 2
    assert res.stdout == ""
    assert len(res.stderr.strip().splitlines()) == 1 and message in res.stderr


def test_cli_compare_unknown_format_is_a_usage_error(corpus_kb):
    res = run_cli(corpus_kb, "compare", "evo2", "--format", "xlsx")
    assert res.exit_code == 2 and "Invalid value for '--format'" in res.stderr


def test_cli_compare_filter_with_modality_synonym_and_empty_match(corpus_kb):
    res = run_cli(
        corpus_kb, "compare", "--kind", "model", "--modality", "rs-fMRI", "--fields", "license"
    )
    assert res.exit_code == 0 and "| SwiFT |" in res.stdout
    res = run_cli(corpus_kb, "compare", "--kind", "model", "--modality", "nothing-like-it")
    assert res.exit_code == 0 and "no entity matches that filter" in res.stderr
    assert res.stdout.startswith("| Model |")
