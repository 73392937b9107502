"""Render a comparison `Table` as Markdown, CSV, JSON, HTML, LaTeX or a pandas DataFrame.

Every text format marks missing cells explicitly (JSON uses null) and keeps both sides of a
conflict. JSON and HTML carry each value's provenance (file, line, YAML path); `render`
gives the text and its media type for the REST layer.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable
from typing import Any

from kg.errors import KGError
from kg.table import Cell, Row, Table

MISSING = "—"
CONFLICT_MARK = "⚠"


def _plain(cell: Cell, missing: str) -> str:
    text = cell.text(missing)
    return f"{text} (conflict)" if cell.conflict else text


# -- Markdown ---------------------------------------------------------------------------------


def _md_escape(text: str) -> str:
    # A pipe ends a GFM table cell even inside code; a backslash escape is the portable fix.
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _numeric(table: Table, col: int) -> bool:
    vals = [v.value for r in table.rows for v in r.cells[col].values]
    return bool(vals) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in vals)


def to_markdown(
    table: Table, missing: str = MISSING, link: Callable[[Row], str | None] | None = None
) -> str:
    """A GitHub-flavoured Markdown table; `link(row)` may turn row labels into links."""
    header = [table.corner] + [c.label for c in table.columns]
    align = ["---"] + ["---:" if _numeric(table, i) else "---" for i in range(len(table.columns))]
    lines = [
        "| " + " | ".join(_md_escape(h) for h in header) + " |",
        "| " + " | ".join(align) + " |",
    ]
    for row in table.rows:
        label = _md_escape(row.label)
        href = link(row) if link else None
        if href:
            text = label.replace("[", r"\[").replace("]", r"\]")
            label = f"[{text}]({href.replace(' ', '%20')})"
        cells = []
        for cell in row.cells:
            text = _md_escape(cell.text(missing))
            cells.append(f"{CONFLICT_MARK} {text}" if cell.conflict else text)
        lines.append("| " + " | ".join([label, *cells]) + " |")
    return "\n".join(lines) + "\n"


# -- CSV and JSON -----------------------------------------------------------------------------


def to_csv(table: Table, missing: str = MISSING) -> str:
    """CSV (RFC 4180 quoting by the csv module); conflicts read "a / b (conflict)"."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([table.corner] + [c.label for c in table.columns])
    for row in table.rows:
        w.writerow([row.label] + [_plain(c, missing) for c in row.cells])
    return buf.getvalue()


def cell_dict(cell: Cell) -> dict[str, Any]:
    """A cell as JSON-ready data: text, normalised value, conflict flag, values with sources."""
    return {
        "text": None if cell.missing else cell.text(),
        "value": cell.value,
        "conflict": cell.conflict,
        "values": [
            {
                "raw": v.raw,
                "value": v.value,
                "unit": v.unit,
                "source": v.source,
                "line": v.line,
                "path": v.path,
            }
            for v in cell.values
        ],
    }


def to_dict(table: Table) -> dict[str, Any]:
    """The table as JSON-ready data: columns, and rows with per-cell provenance."""
    return {
        "corner": table.corner,
        "transposed": table.transposed,
        "total": table.total if table.total is not None else len(table.rows),
        "columns": [
            {"key": c.key, "label": c.label, "property": c.property, "source": c.source or None}
            for c in table.columns
        ],
        "rows": [
            {
                "key": r.key,
                "label": r.label,
                "kind": r.kind,
                "source": r.source or None,
                "line": r.line or None,
                "cells": {
                    c.key: cell_dict(cell) for c, cell in zip(table.columns, r.cells, strict=True)
                },
            }
            for r in table.rows
        ],
    }


def to_json(table: Table, indent: int | None = 2) -> str:
    """JSON of `to_dict`; missing cells have null text and value."""
    return json.dumps(to_dict(table), indent=indent, ensure_ascii=False, default=str)


# -- HTML -------------------------------------------------------------------------------------


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _html_cell(cell: Cell, tag: str = "td") -> str:
    if cell.missing:
        return f'<{tag} class="missing">{MISSING}</{tag}>'
    spans = []
    for v in cell.distinct():
        same = [w.where for w in cell.values if w.raw == v.raw or w.value == v.value]
        spans.append(
            f'<span title="{_esc("; ".join(dict.fromkeys(same)))}" data-source="{_esc(v.source)}"'
            f' data-line="{v.line}" data-path="{_esc(v.path)}">{_esc(v.raw)}</span>'
        )
    if cell.conflict:
        return f'<{tag} class="conflict" title="sources disagree">{CONFLICT_MARK} {" / ".join(spans)}</{tag}>'
    return f"<{tag}>{'; '.join(spans)}</{tag}>"


def to_html(table: Table, standalone: bool = False) -> str:
    """An HTML table (escaped); each value's source is in its title and data- attributes."""
    head = "".join(
        f'<th scope="col" data-key="{_esc(c.key)}">{_esc(c.label)}</th>' for c in table.columns
    )
    out = [
        '<table class="kg-compare">',
        f'<thead><tr><th scope="col">{_esc(table.corner)}</th>{head}</tr></thead>',
        "<tbody>",
    ]
    for row in table.rows:
        where = f' title="{_esc(f"{row.source}:{row.line}")}"' if row.source else ""
        cells = "".join(_html_cell(c) for c in row.cells)
        out.append(
            f'<tr data-key="{_esc(row.key)}"><th scope="row"{where}>{_esc(row.label)}</th>{cells}</tr>'
        )
    out.append("</tbody></table>")
    body = "\n".join(out) + "\n"
    if not standalone:
        return body
    style = "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}.conflict{background:#fff3cd}.missing{color:#999}"
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Comparison</title><style>{style}</style></head><body>\n{body}</body></html>\n"
    )


# -- LaTeX ------------------------------------------------------------------------------------

_TEX = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "–": "--",
    "—": "---",
    "≈": r"$\approx$",
    "×": r"$\times$",
    "≤": r"$\leq$",
    "≥": r"$\geq$",
    "µ": r"$\mu$",
}


def latex_escape(text: str) -> str:
    """Escape LaTeX's special characters (and a few common Unicode symbols) in text."""
    return "".join(_TEX.get(ch, ch) for ch in text)


def to_latex(table: Table, missing: str = MISSING) -> str:
    """A `tabular` with every special character escaped and one `&` per column boundary."""
    n = len(table.columns) + 1
    lines = [r"\begin{tabular}{" + "l" * n + "}", r"\hline"]
    lines.append(
        " & ".join(latex_escape(h) for h in [table.corner] + [c.label for c in table.columns])
        + r" \\"
    )
    lines.append(r"\hline")
    for row in table.rows:
        cells = [latex_escape(row.label)] + [latex_escape(_plain(c, missing)) for c in row.cells]
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\hline", r"\end{tabular}"]
    return "\n".join(lines) + "\n"


# -- pandas -----------------------------------------------------------------------------------


def to_dataframe(table: Table, values: str = "value"):
    """A pandas DataFrame of normalised values (`values="value"`) or display text ("text").

    Missing cells are NA (None in, pandas' missing marker out). `df.attrs["provenance"]` maps (row key, column key) to the
    sources of that cell. Needs the optional `pandas` extra.
    """
    try:
        import pandas as pd
    except ImportError as exc:  # optional dependency: say how to get it
        raise KGError("pandas is not installed — `pip install 'neuro-omics-kg[pandas]'`") from exc
    data = [
        [(c.value if values == "value" else None if c.missing else c.text()) for c in r.cells]
        for r in table.rows
    ]
    labels = [r.label for r in table.rows]
    index = labels if len(set(labels)) == len(labels) else [r.key for r in table.rows]
    df = pd.DataFrame(
        data, index=pd.Index(index, name=table.corner), columns=[c.label for c in table.columns]
    )
    df.attrs["provenance"] = {
        (r.key, c.key): [v.where for v in cell.values]
        for r in table.rows
        for c, cell in zip(table.columns, r.cells, strict=True)
    }
    return df


# -- dispatch ---------------------------------------------------------------------------------

FORMATS: dict[str, tuple[Callable[[Table], str], str]] = {
    "md": (to_markdown, "text/markdown; charset=utf-8"),
    "csv": (to_csv, "text/csv; charset=utf-8"),
    "json": (to_json, "application/json"),
    "html": (lambda t: to_html(t, standalone=True), "text/html; charset=utf-8"),
    "latex": (to_latex, "application/x-latex; charset=utf-8"),
}
ALIASES = {"markdown": "md", "tex": "latex"}


def render(table: Table, fmt: str) -> tuple[str, str]:
    """Render `table` in a format ("md", "csv", "json", "html", "latex"); returns (text, media type).

    Raises:
        KGError: an unknown format name (the message lists the known ones).
    """
    name = ALIASES.get(fmt.lower(), fmt.lower())
    if name not in FORMATS:
        raise KGError(f"unknown table format {fmt!r} — use one of {', '.join(FORMATS)}")
    fn, media_type = FORMATS[name]
    return fn(table), media_type
