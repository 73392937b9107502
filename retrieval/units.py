"""Cutting passages into answer units: sentences, whole bullet items, "label: item; item"
units where a short label line introduces a list, one unit per card field of a synopsis,
sibling sections under one heading, and a list section as one unit of its items' leads."""

from __future__ import annotations

import re

from ingest.normalize import is_null
from retrieval.lexicon import WHY

MAX_UNIT_CHARS = 420
# Sentence ends; a bullet marker after one ("… importance. - Nested CV …", a card's
# markdown list read as one line) opens the next sentence too.
_SPLIT = re.compile(r"(?<=[.!?])\s+(?:[-•]\s+)?(?=[\"'(\[]?[A-Z0-9`*])")
_TABLE_RULE = re.compile(r"^[\s|:-]+$")
_ROW = re.compile(r"^[^;]{1,60}: [^;]*; [^;]{1,60}: ")  # a table row as "key: value; key: value"
_FIELD_SEP = re.compile(r";\s(?=[\w.\[\]-]+:\s)")
_FOLLOWS_ON = re.compile(r"^(This|These)\s+[a-z]")
_BULLET = re.compile(r"^([-*+•]|\d+[.)])\s+")
# Emphasis and code marks around words, heading and quote marks at line starts.
_MARKUP = re.compile(r"(\*\*|__|`|^#+\s*|^>\s*|(?<!\w)\*(?!\s))")


def field_label(chunk) -> str:
    """A card prose field's label ("limitations" of "TabPFN — limitations"), else ""."""
    heading = getattr(chunk, "heading", "") or ""
    if getattr(chunk, "kind", "") != "prose" or " — " not in heading:
        return ""
    return heading.split(" — ", 1)[1]


def section_heading(chunk) -> str:
    """A section chunk's own heading ("Reasons"); "" for a doc's opening section."""
    return chunk.heading.rsplit(" > ", 1)[1] if " > " in (chunk.heading or "") else ""


# "- Why gene embeddings average the two strands: RC averaging.": a question, then the page
# that answers it (its link is gone from the chunk text). Where to read, not an answer.
_NAV_ENTRY = re.compile(r"^(why|which|how|what|where|when)\b[^:]+:\s*(\S+\s*){1,4}$", re.I)


def opens_why_doc(chunk) -> bool:
    """Whether a chunk is the opening section of a doc titled "Why …" (its reasons)."""
    return (
        chunk is not None
        and chunk.kind == "section"
        and " > " not in chunk.heading
        and bool(WHY.search(chunk.heading))
    )


def _clean(line: str) -> str:
    return _MARKUP.sub("", line).strip(" |")


def _unwrap(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines back into their paragraph or bullet item."""
    out: list[str] = []
    for ln in lines:
        if not ln.strip() or _TABLE_RULE.match(ln):
            continue
        body = ln.strip()
        prev = out[-1].strip() if out else ""
        if prev and _continues_item(out[-1], ln):
            out[-1] = f"{out[-1]} {body}"
            continue
        joins = (
            prev
            and not _BULLET.match(body)
            and not prev.endswith((".", "!", "?", ":"))
            and not _ROW.search(prev)
            and not _ROW.search(body)
            and len(prev.split()) > 6  # a short line without a full stop is a label
        )
        if joins:
            out[-1] = f"{out[-1]} {body}"
        else:
            out.append(ln)
    return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _continues_item(prev: str, line: str) -> bool:
    """A plain line under a bullet belongs to that item when it is indented below it, or
    when the item stops mid-sentence and the line does not start a new one ("- Compute
    the empirical p-value" followed by its formula "p = … / (B + 1)")."""
    body, item = line.strip(), prev.strip()
    if not _BULLET.match(item) or _BULLET.match(body) or _ROW.search(body):
        return False
    if _indent(line) > _indent(prev):
        return True
    return not item.endswith((".", "!", "?", ":", ";")) and not body[:1].isupper()


def _field_units(chunk) -> list[tuple[str, str]]:
    """A passage of card fields ("X — a, b: a.x: 1; b.y: 2") as one unit per field, each
    with its entity's name; fields holding a placeholder ("null", "TBD") say nothing."""
    entity = chunk.heading.split(" — ")[0]
    body = chunk.text.split(": ", 1)[1] if ": " in chunk.text else chunk.text
    out = []
    for seg in _FIELD_SEP.split(body):
        path, _, value = seg.partition(": ")
        if value.strip() and not is_null(value.strip()):
            out.append((f"{entity} — {seg.strip()}", path))
    return out


def units(chunk) -> list[tuple[str, str]]:
    """(unit text, local heading) pairs of a chunk body (the heading context line is not one)."""
    if chunk.kind == "synopsis" and " — " in chunk.heading:
        return _field_units(chunk)
    text = chunk.text
    if chunk.kind == "section" and "\n" in text:
        text = text.split("\n", 1)[1]
    # The section's own heading counts fully; a doc title only as an ancestor (below).
    local = section_heading(chunk)
    raw = _unwrap([ln.rstrip() for ln in text.split("\n")])
    indent = [len(ln) - len(ln.lstrip()) for ln in raw]
    lines = [ln.strip() for ln in raw]
    out: list[tuple[str, str]] = []
    label = local
    for i, line in enumerate(lines):
        bullet = bool(_BULLET.match(line))
        clean = _clean(_BULLET.sub("", line))
        if not clean:
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if _titles_paragraph(clean, bullet, nxt):
            # A note's or a tab's title ("Caduceus-Ph", "Reference-only embeddings carry no
            # individual signal") heads the paragraph under it.
            label = clean.rstrip("\\ ")
            if len(label.split()) >= 3:
                out.append((label, local))
            continue
        # A short line introducing a list ("Pitfalls", "- Dimensionality" over sub-items).
        opens = _BULLET.match(nxt) and (not bullet or indent[i + 1] > indent[i])
        if opens and len(clean.split()) <= 8 and clean[-1] != ".":
            items = []
            for k in range(i + 1, len(lines)):
                if not _BULLET.match(lines[k]) or (bullet and indent[k] <= indent[i]):
                    break
                if indent[k] <= indent[i + 1]:  # the list's own items, not their sub-steps
                    items.append(_clean(_BULLET.sub("", lines[k])))
            unit = f"{clean.rstrip(':')}: " + "; ".join(x for x in items if x)
            out.append((unit[:MAX_UNIT_CHARS], clean))
            continue
        if bullet and _NAV_ENTRY.search(clean):
            continue
        if bullet and len(clean.split()) <= 50:
            if len(clean.split()) >= 3:
                out.append((clean, local))
            continue
        out.extend((s, label) for s in _follow_ons(_SPLIT.split(clean)) if len(s.split()) >= 3)
    return out


def _follow_ons(sentences: list[str]) -> list[str]:
    """A paragraph's sentences, each one opening "This …" joined to the one before it
    ("… invariant to strand orientation. This addresses a constraint: DNA has no
    direction."): on its own it says nothing of what "this" is."""
    out: list[str] = []
    for s in (x.strip() for x in sentences):
        if out and _FOLLOWS_ON.match(s):
            out[-1] = f"{out[-1]} {s}"
        elif s:
            out.append(s)
    return out


def _titles_paragraph(clean: str, bullet: bool, nxt: str) -> bool:
    """A short line without closing punctuation (or a question: "Why refit instead of
    masking?") right above a paragraph is its title."""
    words = len(clean.split())
    return (
        not bullet
        and 0 < words <= 8
        and not clean.rstrip("\\ ").endswith((".", "!", ":", ";", ","))
        and bool(nxt)
        and not _BULLET.match(nxt)
        and len(nxt.split()) >= 10  # a paragraph, not the next short line of a diagram
    )


def summary_unit(chunk) -> tuple[str, str] | None:
    """The list a section holds as one unit (see `_list_summary`), with its heading."""
    if chunk.kind != "section" or "\n" not in chunk.text:
        return None
    local = section_heading(chunk)
    raw = _unwrap([ln.rstrip() for ln in chunk.text.split("\n", 1)[1].split("\n")])
    indent = [len(ln) - len(ln.lstrip()) for ln in raw]
    summary = _list_summary(raw, indent, local)
    return (summary, local) if summary else None


_BOLD_LEAD = re.compile(r"^\*\*(.+?)\*\*")


def _list_summary(raw: list[str], indent: list[int], heading: str) -> str:
    """A section that is a list ("Reasons: 1. **Heterogeneous semantics.** … 2. …") as one
    unit of its items' leads (bold lead-in, else first sentence): "why …?" and "what are
    the pitfalls …?" want every item, not the best one."""
    tops = [
        ln.strip()
        for ln, ind in zip(raw, indent, strict=True)
        if _BULLET.match(ln.strip()) and ind == min(indent)
    ]
    if not heading or len(tops) < 2 or len(tops) > 10:
        return ""
    if any(_NAV_ENTRY.search(_clean(_BULLET.sub("", t))) for t in tops):
        return ""  # a list of where to read things, not of answers
    leads = []
    for item in tops:
        body = _BULLET.sub("", item)
        bold = _BOLD_LEAD.match(body)
        lead = bold.group(1) if bold else _SPLIT.split(_clean(body))[0]
        leads.append(" ".join(lead.split()[:12]).rstrip(".:"))
    return f"{heading}: " + "; ".join(leads)


def sibling_units(hits) -> list[tuple[str, str, object, tuple[int, int]]]:
    """Sections under one heading found together form a unit listing their headings."""
    groups: dict[tuple[str, str], list] = {}
    for h in hits:
        c = h.chunk
        parts = c.heading.split(" > ") if c.heading else []
        if c.kind == "section" and len(parts) >= 3:
            groups.setdefault((c.source, " > ".join(parts[:-1])), []).append(c)
    out = []
    for (_src, parent), chunks in groups.items():
        if len(chunks) < 2:
            continue
        chunks.sort(key=lambda c: c.line_start)
        names = "; ".join(c.heading.split(" > ")[-1] for c in chunks)
        lines = (chunks[0].line_start, max(c.line_end for c in chunks))
        out.append((f"{parent.split(' > ')[-1]}: {names}", parent, chunks[0], lines))
    return out


def heading_like(s: str, heading: str) -> bool:
    """Headings and questions used as headings are not answers."""
    low = s.lower().rstrip(":?. ")
    return s.endswith("?") or (s.endswith(":") and len(s.split()) <= 8) or low == heading.lower()


MAX_PARAGRAPH = 4  # sentences of one titled paragraph given together


def titled_paragraphs(units: list[tuple[str, str]], keep) -> list[tuple[str, str]]:
    """The sentences under one title read together, where `keep(title)` says the title is
    what is asked ("Why refit instead of masking?" over the three sentences that say why):
    an answer that is a short argument loses its point when cut to its best sentence. A
    title is a unit's heading, or a question standing as a sentence of its own."""
    out: list[tuple[str, str]] = []
    run: list[str] = []
    title, local_seen = None, None
    for text, local in [*units, ("", None)]:
        asks = text.endswith("?")
        if local != local_seen or asks or len(run) == MAX_PARAGRAPH:
            if title and len(run) >= 2 and keep(title):
                out.append((" ".join(run), title))
            run, title, local_seen = [], (text if asks else local), local
        if text and not heading_like(text, local or ""):
            run.append(text)
    return out
