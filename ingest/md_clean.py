"""Reduce mkdocs-material markup to plain markdown and plain text, keeping line numbers.

`preprocess` rewrites the source line by line and never adds or removes a line, so the
line numbers markdown-it reports stay the file's own:

- `!!! note "Title"` / `??? tip` / `???+ info` admonitions and `=== "Tab"` tabs: the marker
  line becomes its title (in bold, with a hard break) and the indented body is dedented so
  it parses as ordinary markdown (nested blocks work too);
- attribute lists (`{ .class }`, `{: #id }`), emoji shortcodes (`:material-xxx:`) and code
  citation footnotes (``^[```1:2:path```]``) are removed.

Fenced code is left alone except for the dedent of its enclosing block. `html_to_text`,
`strip_symbols` and `slugify` reduce HTML, emoji and headings for the clean section text.
"""

from __future__ import annotations

import html
import re
import unicodedata

_MARKER = re.compile(r"^(?P<ind>[ ]*)(?P<kind>!!!|\?\?\?\+?|===\+?)[ ]*(?P<rest>.*)$")
_TITLE = re.compile(r'^(?P<type>[\w-]*)\s*(?:"(?P<title>[^"]*)")?')
_ATTR_LIST = re.compile(r"\s*\{:?\s*[.#][^{}\n]*\}|\s*\{:?\s*markdown\s*\}")
_EMOJI_CODE = re.compile(r"(?<![\w:]):[a-z][a-z0-9_+]*(?:-[a-z0-9_+]+)*:(?![\w:]) ?")
_CITATION = re.compile(r"\^\[(?:[^\[\]\n]|\[[^\]\n]*\])*\]")
_FENCE = re.compile(r"^\s*(```|~~~)")
_TAG = re.compile(r"<[^>\n]*>")
_BREAK_TAG = re.compile(r"<\s*(?:br|/p|/div|/li|/tr|/h\d)\s*/?>", re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _marker_line(indent: str, kind: str, rest: str) -> str:
    m = _TITLE.match(rest.strip())
    title = (m.group("title") if m and m.group("title") is not None else "") or ""
    if not title and kind.startswith(("!", "?")) and m:
        title = m.group("type").replace("-", " ").capitalize()
    return f"{indent}**{title}**\\" if title else ""


def preprocess(text: str) -> str:
    """mkdocs-material markdown → CommonMark with the same number of lines."""
    lines = text.split("\n")
    out: list[str] = []
    bodies: list[int] = []  # body indents (original columns) of the open blocks
    in_fence = False
    fence_mark = ""
    for line in lines:
        expanded = line.expandtabs(4)
        if expanded.strip():
            while bodies and _indent(expanded) < bodies[-1]:
                bodies.pop()
        dedent = bodies[-1] if bodies else 0
        cur = expanded[dedent:] if _indent(expanded) >= dedent else expanded.lstrip(" ")
        fence = _FENCE.match(cur)
        if in_fence:
            if fence and fence.group(1) == fence_mark:
                in_fence = False
            out.append(cur)
            continue
        if fence:
            in_fence, fence_mark = True, fence.group(1)
            out.append(cur)
            continue
        m = _MARKER.match(cur)
        if (
            m
            and (m.group("kind") != "===" or m.group("rest").startswith('"'))
            and not m.group("kind").startswith("====")
        ):
            out.append(_marker_line(m.group("ind"), m.group("kind"), m.group("rest")))
            bodies.append(dedent + len(m.group("ind")) + 4)
            continue
        out.append(clean_line(cur))
    return "\n".join(out)


def clean_line(line: str) -> str:
    """Drop attribute lists, emoji shortcodes and code-citation footnotes from one line."""
    line = _CITATION.sub("", line)
    line = _ATTR_LIST.sub("", line)
    return _EMOJI_CODE.sub("", line)


def strip_symbols(text: str) -> str:
    """Remove emoji and pictographs (Unicode 'So'), variation selectors and joiners."""
    return "".join(
        ch for ch in text if unicodedata.category(ch) != "So" and ch not in "\ufe0f\u200d\u20e3"
    )


def tidy(text: str) -> str:
    """Collapse runs of spaces on each line and runs of blank lines."""
    lines = [re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in text.split("\n")]
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    return "\n".join(out).strip()


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment: tags dropped, <br> and block ends as line breaks."""
    fragment = _COMMENT.sub("", fragment)
    fragment = _BREAK_TAG.sub("\n", fragment)
    fragment = _TAG.sub("", fragment)
    return tidy(strip_symbols(html.unescape(fragment)))


def model_id_marker(fragment: str) -> str | None:
    """The id in an `<!-- model-id: caduceus -->` comment, if any."""
    m = re.search(r"<!--\s*model-id\s*:\s*([A-Za-z0-9_.\-]+)\s*-->", fragment)
    return m.group(1) if m else None


def slugify(text: str) -> str:
    """A heading anchor like mkdocs' toc extension makes ("Integration Hooks" → integration-hooks)."""
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value) or "section"
