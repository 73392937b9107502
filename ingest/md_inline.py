"""Inline markdown: plain text with links, code spans and bold labels; link targets.

`InlineText` walks the children of one markdown-it inline token and keeps what the doc
parser needs with the line each thing was written on (a paragraph's soft breaks advance
the line). `classify_link` turns a link target into a KB path, an external link, or an
"outside the root" refusal.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

from ingest.card_refs import outside_root

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
ENTITY_EXT = (".md", ".markdown", ".yaml", ".yml")


class InlineText:
    """Plain text of one inline token, with its links, code spans and bold labels."""

    def __init__(self, children, first_line: int):
        self.parts: list[str] = []
        self.links: list[tuple[str, str, int]] = []
        self.codes: list[tuple[str, int]] = []
        self.labels: list[tuple[str, str, int]] = []
        line, link, label = first_line, None, None
        line_start = 0
        for c in children or []:
            if c.type in ("softbreak", "hardbreak") or (
                c.type == "html_inline" and re.match(r"<br", c.content, re.I)
            ):
                self._end_line(label, line_start, line)
                self.parts.append("\n")
                line, label, line_start = line + (c.type != "html_inline"), None, len(self.text)
            elif c.type == "text":
                self.parts.append(c.content)
            elif c.type == "code_inline":
                self.parts.append(c.content)
                self.codes.append((c.content, line))
            elif c.type == "image":
                self.parts.append(c.content)
            elif c.type == "link_open":
                link = (c.attrs.get("href", ""), len(self.text), line)
            elif c.type == "link_close" and link:
                self.links.append((str(link[0]), self.text[link[1] :], link[2]))
                link = None
            elif c.type == "strong_open" and not self.text[line_start:].strip():
                label = len(self.text)
            elif c.type == "strong_close" and isinstance(label, int):
                label = (self.text[label:], len(self.text))
        self._end_line(label, line_start, line)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def _end_line(self, label, line_start: int, line: int) -> None:
        if not isinstance(label, tuple):
            return
        name, end = label
        rest = self.text[end:]
        if name.rstrip().endswith(":") or rest.lstrip().startswith(":"):
            self.labels.append((name.strip().rstrip(":"), rest.lstrip().lstrip(":").strip(), line))


def classify_link(doc_path: str, href: str) -> tuple[str, str]:
    """("entity" | "external" | "outside" | "skip", target) for a link in a doc.

    Relative targets are resolved against the doc's folder into KB-root paths; links to
    .md/.yaml files can name entities, other local files and URLs are "external".
    """
    href = unquote(href.strip())
    if not href or href.startswith("#"):
        return "skip", ""
    if _SCHEME.match(href) and not _DRIVE.match(href):
        return "external", href
    target, _, anchor = href.partition("#")
    target = target.split("?", 1)[0]
    norm = posixpath.normpath(posixpath.join(posixpath.dirname(doc_path), target))
    if outside_root(doc_path, target) or norm.startswith(".."):
        return "outside", href
    suffix = f"#{anchor}" if anchor else ""
    if norm.lower().endswith(ENTITY_EXT):
        return "entity", norm + suffix
    return "external", norm + suffix


def read_table(tokens, i: int, render) -> tuple[list[str], list[tuple[int, list[str]]], int]:
    """(header cells, [(line, cells)], index of table_close) of the table opening at `i`.

    `render` turns a cell's inline token into text (and records its links).
    """
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    cells: list[str] = []
    line = tokens[i].map[0] + 1 if tokens[i].map else 1
    in_head = False
    while i < len(tokens) and tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type in ("thead_open", "thead_close"):
            in_head = tok.type == "thead_open"
        elif tok.type == "tr_open":
            cells, line = [], (tok.map[0] + 1 if tok.map else line)
        elif tok.type == "inline":
            cells.append(render(tok))
        elif tok.type == "tr_close":
            if in_head:
                header = cells
            else:
                rows.append((line, cells))
        i += 1
    return header, rows, i
