"""Passages read beside those the search found, because of where they stand: a section
titled as what is asked in a doc found, the sections of the doc titled with the asked
entity's name, the sections of a doc the question names, and the asked entity's own card
fields that give reasons ("limitations")."""

from __future__ import annotations

from retrieval.facts import text_words
from retrieval.index import Hit
from retrieval.units import field_label, section_heading


def section_beside(hits, index, wanted) -> list[Hit]:
    """A section whose heading is `wanted` (titled as reasons about something asked, or as
    what is asked: "Limitations") in a doc the passages found ("Why this applies to genes ×
    brain" in the doc that opens "late fusion first"), though the section itself ranks low:
    the first such doc's, at most."""
    found = {id(h.chunk) for h in hits}
    for h in hits:
        if not h.chunk.source.endswith(".md"):
            continue
        for c in index.of_source(h.chunk.source):
            if id(c) not in found and c.kind == "section" and wanted(section_heading(c)):
                return [Hit(c, 0.0, len(hits) + 1, None, None)]
    return []


def own_doc_sections(hits, index, view, boost) -> list[Hit]:
    """ "Why should Evo 2 embeddings be RC-averaged?": the sections of the doc written about
    the entity asked (the first doc titled with its name), which hold its reasons wherever
    they stand."""
    found = {id(h.chunk) for h in hits}
    names = [text_words(view.name(e)) for e in boost if view.kind(e) != "doc"]
    for eid in boost:
        if view.kind(eid) == "doc" and any(n and n <= text_words(view.name(eid)) for n in names):
            own = [c for c in index.of_source(view.source(eid)) if id(c) not in found]
            return [Hit(c, 0.0, len(hits) + 1, None, None) for c in own if c.kind == "section"]
    return []


def in_named_doc(hits, index, view, linked) -> list[Hit]:
    """ "How does the integration strategy recommend avoiding leakage?": the sections of the
    one doc the question names, however low the search ranks them: it says where to read."""
    docs = {e.id for e in linked.entities if e.kind == "doc"}
    if len(docs) != 1:
        return []
    found = {id(h.chunk) for h in hits}
    own = [c for c in index.of_source(view.source(docs.pop())) if id(c) not in found]
    return [Hit(c, 0.0, len(hits) + 1, None, None) for c in own if c.kind == "section"]


def own_reason_fields(hits, index, view, boost, gives_reason) -> list[Hit]:
    """ "Why can't TabPFN be run on the whole UK Biobank?": the asked entities' own card
    fields titled as reasons or limits ("TabPFN — limitations"), however low they rank."""
    found = {id(h.chunk) for h in hits}
    out = []
    for eid in boost:
        if view.kind(eid) == "doc":
            continue
        for c in index.of_source(view.source(eid)):
            # Its own fields: a registry card's limits are not each member's.
            if id(c) in found or c.kind != "prose" or eid not in c.entity_ids:
                continue
            if gives_reason(field_label(c)):
                found.add(id(c))
                out.append(Hit(c, 0.0, len(hits) + len(out) + 1, None, None))
    return out
