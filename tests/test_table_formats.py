"""Every table format parses back: Markdown cells, csv module, json, html.parser, LaTeX columns."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest

from kg.compare import EntitySummary, build_table
from kg.errors import KGError
from kg.ir import Attribute, Provenance
from kg.table_formats import render, to_csv, to_html, to_json, to_latex, to_markdown

NASTY = r"50% of $x_1 & #{~^\} | <b>"


def attr(entity, path, raw, value=None, line=1, prop=None):
    return Attribute(
        entity,
        path,
        raw,
        raw if value is None else value,
        Provenance(f"kb/model_cards/{entity}.yaml", line, line, path),
        prop,
    )


@pytest.fixture
def table():
    facts = {
        "a": [
            attr("a", "arch.parameters", "~150M", 150_000_000, 7, "parameters"),
            attr("a", "notes", NASTY, line=9),
            attr("a", "context_length", "512", 512, 4, "context_length"),
            attr("a", "arch.context_length", "1024", 1024, 12, "context_length"),
        ],
        "b": [
            attr("b", "arch.parameters", "<script>alert(1)</script>", None, 3, "parameters"),
            attr("b", "datasets[0]", "hg38", line=5, prop="dataset"),
            attr("b", "datasets[1]", "gue", line=6, prop="dataset"),
        ],
    }
    ents = [
        EntitySummary("a", "model", "A|Pipe & Co_1", "kb/model_cards/a.yaml", 1),
        EntitySummary("b", "model", "B", "kb/model_cards/b.yaml", 1),
    ]
    return build_table(ents, facts, ["parameters", "notes", "context_length", "datasets"])


def md_cells(line: str) -> list[str]:
    inner = line.strip()[1:-1]
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


def test_markdown_escapes_pipes_and_keeps_columns(table):
    lines = to_markdown(table).splitlines()
    assert len(lines) == 4
    assert all(len(md_cells(line)) == 5 for line in lines)
    header, align, a, b = (md_cells(line) for line in lines)
    assert header == ["Model", "Parameters", "notes", "Context length", "Datasets"]
    assert a[0] == "A|Pipe & Co_1"
    assert a[2] == NASTY.replace("\\", "\\\\")
    assert a[3] == "⚠ 512 / 1024"  # conflict: both kept, marked
    assert b[2] == "—" and b[4] == "hg38; gue"


def test_markdown_right_aligns_numeric_columns(table):
    align = md_cells(to_markdown(table).splitlines()[1])
    assert align[3] == "---:" and align[1] == "---"  # parameters holds a non-number in b


def test_csv_parses_back(table):
    rows = list(csv.reader(io.StringIO(to_csv(table))))
    assert rows[0] == ["Model", "Parameters", "notes", "Context length", "Datasets"]
    assert rows[1] == ["A|Pipe & Co_1", "~150M", NASTY, "512 / 1024 (conflict)", "—"]
    assert rows[2][4] == "hg38; gue" and rows[2][2] == "—"
    assert list(csv.reader(io.StringIO(to_csv(table, missing=""))))[2][2] == ""


def test_json_has_rows_nulls_and_per_value_provenance(table):
    data = json.loads(to_json(table))
    assert [c["key"] for c in data["columns"]] == [
        "parameters",
        "notes",
        "context_length",
        "dataset",
    ]
    a, b = data["rows"]
    assert a["source"] == "kb/model_cards/a.yaml"
    assert b["cells"]["notes"] == {"text": None, "value": None, "conflict": False, "values": []}
    cl = a["cells"]["context_length"]
    assert cl["conflict"] is True and cl["value"] == [512, 1024]
    assert [(v["raw"], v["line"], v["path"]) for v in cl["values"]] == [
        ("512", 4, "context_length"),
        ("1024", 12, "arch.context_length"),
    ]
    assert [v["line"] for v in b["cells"]["dataset"]["values"]] == [5, 6]


class Cells(HTMLParser):
    """Collects rows of (text, attrs) for every th/td and each span's attributes."""

    def __init__(self):
        super().__init__()
        self.rows, self.spans, self._cell = [], [], None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = ["", dict(attrs)]
            self.rows[-1].append(self._cell)
        elif tag == "span":
            self.spans.append(dict(attrs))
        elif tag == "script":
            raise AssertionError("unescaped <script> in output")

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[0] += data


def test_html_escaped_with_provenance_attributes(table):
    p = Cells()
    p.feed(to_html(table))
    assert [len(r) for r in p.rows] == [5, 5, 5]
    assert p.rows[1][0][0] == "A|Pipe & Co_1"
    assert p.rows[2][1][0] == "<script>alert(1)</script>"  # shown as text, not run
    assert p.rows[1][2][0] == NASTY
    conflict = p.rows[1][3]
    assert conflict[1]["class"] == "conflict" and conflict[0] == "⚠ 512 / 1024"
    assert p.rows[2][2][1]["class"] == "missing"
    span = next(s for s in p.spans if s["data-path"] == "arch.context_length")
    assert span["data-source"] == "kb/model_cards/a.yaml" and span["data-line"] == "12"
    assert span["title"] == "kb/model_cards/a.yaml:12 (arch.context_length)"


def test_html_standalone_page(table):
    text, media = render(table, "html")
    assert text.startswith("<!doctype html>") and media == "text/html; charset=utf-8"


def tex_rows(tex: str) -> list[str]:
    return [line for line in tex.splitlines() if line.endswith(r"\\")]


def test_latex_escapes_and_balances_columns(table):
    tex = to_latex(table)
    spec = re.search(r"\\begin\{tabular\}\{(\w+)\}", tex).group(1)
    rows = tex_rows(tex)
    assert len(rows) == 3
    for row in rows:
        assert len(re.findall(r"(?<!\\)&", row)) == len(spec) - 1
    assert r"50\% of \$x\_1 \& \#\{\textasciitilde{}\textasciicircum{}\textbackslash{}\}" in tex
    assert "512 / 1024 (conflict)" in tex and "---" in rows[2]
    assert tex.count(r"\begin{tabular}") == tex.count(r"\end{tabular}") == 1


def test_render_media_types_and_unknown_format(table):
    assert render(table, "md")[1].startswith("text/markdown")
    assert render(table, "markdown")[0] == to_markdown(table)
    assert render(table, "csv")[1].startswith("text/csv")
    assert render(table, "json")[1] == "application/json"
    assert render(table, "tex")[1].startswith("application/x-latex")
    with pytest.raises(KGError, match="use one of md, csv, json, html, latex"):
        render(table, "xlsx")


def test_transposed_table_renders_balanced(table):
    t = table.transpose()
    rows = list(csv.reader(io.StringIO(to_csv(t))))
    assert rows[0] == ["Field", "A|Pipe & Co_1", "B"] and len(rows) == 5
    assert {len(md_cells(line)) for line in to_markdown(t).splitlines()} == {3}
    assert json.loads(to_json(t))["rows"][0]["cells"]["a"]["value"] == 150_000_000


def test_dataframe_when_pandas_is_installed(table):
    pd = pytest.importorskip("pandas")
    from kg.table_formats import to_dataframe

    df = to_dataframe(table)
    assert df.shape == (2, 4) and df.index.name == "Model"
    assert pd.isna(df.loc["B", "notes"])
    assert df.loc["A|Pipe & Co_1", "Parameters"] == 150_000_000
    assert df.attrs["provenance"][("a", "context_length")] == [
        "kb/model_cards/a.yaml:4 (context_length)",
        "kb/model_cards/a.yaml:12 (arch.context_length)",
    ]


def test_corpus_all_model_cards_on_six_fields_in_every_format(corpus_kb):
    fields = ["modality", "architecture", "parameters", "context_length", "license", "dataset"]
    ids = [r.id for r in corpus_kb.stores.sql.find_entities("model", limit=1000)[0]]
    assert len(ids) == 20
    table = corpus_kb.compare(ids, fields)
    assert len(table.rows) == 20 and len(table.columns) == 6
    assert {len(md_cells(ln)) for ln in render(table, "md")[0].splitlines()} == {7}
    rows = list(csv.reader(io.StringIO(render(table, "csv")[0])))
    assert len(rows) == 21 and {len(r) for r in rows} == {7}
    data = json.loads(render(table, "json")[0])
    assert [r["key"] for r in data["rows"]] == ids
    assert all(set(r["cells"]) == set(fields) for r in data["rows"])
    p = Cells()
    p.feed(render(table, "html")[0])
    assert len(p.rows) == 21 and {len(r) for r in p.rows} == {7}
    tex = render(table, "latex")[0]
    assert len(tex_rows(tex)) == 21
    assert {len(re.findall(r"(?<!\\)&", r)) for r in tex_rows(tex)} == {6}
    conflicts = [c for r in table.rows for c in r.cells if c.conflict]
    assert conflicts and all(len(c.distinct()) >= 2 for c in conflicts)  # both sides kept


def test_dataframe_without_pandas_says_how_to_install(table, monkeypatch):
    import sys

    from kg.table_formats import to_dataframe

    monkeypatch.setitem(sys.modules, "pandas", None)  # what an install without the extra sees
    with pytest.raises(KGError, match=r"neuro-omics-kg\[pandas\]"):
        to_dataframe(table)
