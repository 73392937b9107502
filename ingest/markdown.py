"""Markdown docs → a doc entity, one Section per heading, links, code and table facts.

Structure comes from markdown-it-py tokens (front matter and tables through plugins), after
`md_clean.preprocess` has reduced mkdocs-material syntax without moving any line. Section
text is clean: inline markup and HTML dropped, list items as "- ", tables as
"col: value; col: value" rows, and code blocks kept *inside* the text between ``` fences
(so a question about a command still finds its section). Links to other docs and cards
become `links_to` References at the link's line; external links are kept as attributes
`links[i]` of the doc.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from ingest.card_refs import RefCollector
from ingest.md_clean import html_to_text, model_id_marker, preprocess, slugify, strip_symbols, tidy
from ingest.md_facts import label_claim, table_claims
from ingest.md_inline import InlineText, classify_link, read_table
from ingest.properties import plain_value, property_for_shape, shape
from ingest.registries import slug
from ingest.yaml_lines import load_yaml
from kg.ir import (
    Attribute,
    Entity,
    Finding,
    ParsedSource,
    Provenance,
    Reference,
    Section,
    SourceFile,
)

_MD = MarkdownIt("commonmark", {"html": True}).enable("table").use(front_matter_plugin)
_OPEN_TAG = re.compile(r"<(/?)(div|details|table)\b[^>]*>", re.I)


def doc_id(path: str) -> str:
    """`docs/models/brain/brainlm.md` → `docs/models/brain/brainlm` (segments made IRI-safe)."""
    stem = re.sub(r"\.(md|markdown)$", "", path, flags=re.I)
    return "/".join(slug(seg) for seg in stem.split("/"))


class DocParser:
    """Walks the tokens of one markdown file."""

    def __init__(self, source: SourceFile, text: str):
        self.source, self.path, self.text = source, source.path, text
        self.id = doc_id(source.path)
        self.out = ParsedSource(source=source)
        self.lines = text.split("\n")
        self.refs = RefCollector(self.path)
        self.sections: list[dict] = []
        self.subject: str | None = model_id_marker(text)
        self.n_links = 0
        self.n_tables = 0
        self.title = ""
        self._tags: list[tuple[bool, str, int]] = []

    def finding(
        self, code: str, line: int, message: str, hint: str, severity: str = "warning"
    ) -> None:
        self.out.findings.append(Finding(severity, code, self.path, line, message, hint))

    # -- sections -------------------------------------------------------------------
    def open_section(self, title: str, level: int, line: int, path: list[str]) -> None:
        self.sections.append(
            {"title": title, "level": level, "line": line, "path": path, "buf": []}
        )

    def emit(self, text: str) -> None:
        if text.strip():
            self.sections[-1]["buf"].append(text)

    @property
    def heading(self) -> str:
        return " > ".join(self.sections[-1]["path"])

    # -- parsing --------------------------------------------------------------------
    def parse(self) -> ParsedSource:
        tokens = _MD.parse(preprocess(self.text))
        title = self.title = self.first_title(tokens)
        self.open_section(title, 0, 1, [title])
        stack: list[tuple[int, str]] = []
        prefix: list[str] = []
        fresh_item = False
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            t = tok.type
            if t == "front_matter":
                self.front_matter(tok.content)
            elif t == "heading_open":
                level = int(tok.tag[1])
                text = tidy(strip_symbols(InlineText(tokens[i + 1].children, tok.map[0] + 1).text))
                while stack and stack[-1][0] >= level:
                    stack.pop()
                stack.append((level, text))
                path = [h for _, h in stack]
                if path[0] != title:
                    path = [title, *path]
                self.open_section(text, level, tok.map[0] + 1, path)
                i += 3
                continue
            elif t in ("bullet_list_open", "ordered_list_open"):
                prefix.append("  " * len(prefix))
            elif t in ("bullet_list_close", "ordered_list_close"):
                prefix.pop()
            elif t == "list_item_open":
                fresh_item = True
            elif t == "inline":
                body = self.inline(tok)
                lead = (
                    (prefix[-1] + "- ")
                    if fresh_item and prefix
                    else (prefix[-1] + "  " if prefix else "")
                )
                fresh_item = False
                self.emit(lead + body.replace("\n", "\n" + " " * len(lead)))
            elif t in ("fence", "code_block"):
                self.code(tok)
            elif t == "html_block":
                self.emit(html_to_text(tok.content))
                self.html_tags(tok.content, tok.map[0] + 1)
            elif t == "table_open":
                i = self.table(tokens, i)
            i += 1
        self.finish()
        return self.out

    def first_title(self, tokens) -> str:
        for i, tok in enumerate(tokens):
            if tok.type == "heading_open" and tok.tag == "h1":
                return tidy(strip_symbols(InlineText(tokens[i + 1].children, 1).text))
        for tok in tokens:
            if tok.type == "front_matter":
                m = re.search(r"^title:\s*['\"]?(.+?)['\"]?\s*$", tok.content, re.M)
                if m:
                    return m.group(1).strip()
        return PurePosixPath(self.path).stem

    def front_matter(self, content: str) -> None:
        doc = load_yaml(content, self.path, line_offset=1)
        self.out.findings.extend(doc.findings)
        for leaf in doc.leaves:
            value, dtype = plain_value(leaf.value)
            prov = Provenance(self.path, leaf.line_start, leaf.line_end, leaf.path)
            prop = property_for_shape(shape(leaf.segments))
            self.out.attributes.append(
                Attribute(self.id, leaf.path, leaf.raw, value, prov, prop, None, dtype)
            )

    def inline(self, tok) -> str:
        first = tok.map[0] + 1 if tok.map else self.sections[-1]["line"]
        il = InlineText(tok.children, first)
        for href, text, line in il.links:
            self.link(href, text, line)
        for code, line in il.codes:
            self.refs.scan(
                self.id, code, Provenance(self.path, line, line, self.heading), "links_to", False
            )
        if self.subject:
            for label, value, line in il.labels:
                fact = label_claim(self.subject, label, value, line, self.path, self.heading)
                if fact:
                    self.out.claims.append(fact)
        return tidy(strip_symbols(il.text))

    def link(self, href: str, text: str, line: int) -> None:
        kind, target = classify_link(self.path, href)
        prov = Provenance(self.path, line, line, self.heading)
        if kind == "outside":
            self.finding(
                "outside-root",
                line,
                f"link '{href.strip()}' points outside the KB root",
                "link to files inside the KB with a relative path",
            )
        elif kind == "entity":
            self.out.references.append(Reference(self.id, "links_to", target, prov))
        elif kind == "external":
            self.external(target, prov)

    def external(self, href: str, prov: Provenance) -> None:
        dtype = "uri" if "://" in href or href.startswith("mailto:") else "string"
        path = f"links[{self.n_links}]"
        self.n_links += 1
        self.out.attributes.append(Attribute(self.id, path, href, href, prov, None, None, dtype))

    def code(self, tok) -> None:
        lang = (tok.info or "").strip().split(" ")[0]
        self.emit(f"```{lang}\n{tok.content.rstrip()}\n```")
        if tok.type == "fence" and tok.map:
            last = self.lines[tok.map[1] - 1].strip() if tok.map[1] - 1 < len(self.lines) else ""
            if tok.map[1] - tok.map[0] < 2 or not last.startswith(tok.markup[:3]):
                self.finding(
                    "unclosed-fence",
                    tok.map[0] + 1,
                    "a code fence is never closed; the rest of the file is read as code",
                    f"add a closing {tok.markup} line",
                )

    def html_tags(self, fragment: str, line: int) -> None:
        marker = model_id_marker(fragment)
        if marker:
            self.out.attributes.append(
                Attribute(
                    self.id,
                    "model-id",
                    marker,
                    marker,
                    Provenance(self.path, line, line, "model-id"),
                )
            )
            self.out.references.append(
                Reference(
                    self.id,
                    "refers_to",
                    marker,
                    Provenance(self.path, line, line, "model-id"),
                    ("model",),
                )
            )
        for m in _OPEN_TAG.finditer(fragment):
            self._tags.append(
                (m.group(1) == "/", m.group(2).lower(), line + fragment[: m.start()].count("\n"))
            )

    def table(self, tokens, i: int) -> int:
        header, rows, i = read_table(tokens, i, self.inline)
        for _, cells in rows:
            self.emit(
                "; ".join(f"{h}: {c}" if h else c for h, c in zip(header, cells, strict=False) if c)
            )
        self.out.claims.extend(
            table_claims(header, rows, self.n_tables, self.path, self.heading, self.subject)
        )
        self.n_tables += 1
        return i

    def finish(self) -> None:
        ends = [s["line"] - 1 for s in self.sections[1:]] + [len(self.lines)]
        used: dict[str, int] = {}
        for sec, end in zip(self.sections, ends, strict=True):
            text = tidy("\n\n".join(sec["buf"]))
            if sec["level"] == 0 and not text:
                continue  # nothing before the first heading
            while end > sec["line"] and not self.lines[end - 1].strip():
                end -= 1
            anchor = "top" if sec["level"] == 0 else slugify(sec["title"])
            n = used.get(anchor, 0)
            used[anchor] = n + 1
            anchor = anchor if n == 0 else f"{anchor}_{n}"
            prov = Provenance(
                self.path, sec["line"], max(end, sec["line"]), " > ".join(sec["path"])
            )
            self.out.sections.append(
                Section(f"{self.id}#{anchor}", self.id, sec["path"], sec["level"], text, prov)
            )
            if text:
                self.out.references.append(
                    Reference(self.id, "mentions", f"{sec['title']}\n{text}", prov, mention=True)
                )
        self.out.references.extend(self.refs.refs)
        self.out.findings.extend(self.refs.findings)
        self.unclosed_html()

    def unclosed_html(self) -> None:
        open_tags: list[tuple[str, int]] = []
        for closing, tag, line in self._tags:
            if not closing:
                open_tags.append((tag, line))
            elif open_tags and open_tags[-1][0] == tag:
                open_tags.pop()
        if open_tags:
            tag, line = open_tags[-1]
            self.finding(
                "unclosed-html",
                line,
                f"<{tag}> is opened here but never closed",
                f"add </{tag}>; an unclosed block can swallow the markdown after it",
            )


def parse_markdown(source: SourceFile, text: str) -> ParsedSource:
    """Turn one markdown file into a doc entity, sections, links, facts and findings."""
    parser = DocParser(source, text)
    out = parser.parse()
    name = parser.title
    end = max(len(text.split("\n")), 1)
    out.entities.insert(0, Entity(parser.id, "doc", name, Provenance(source.path, 1, end)))
    return out
