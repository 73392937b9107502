"""A card's note field read with what it is a note on: "GENERator — tokenizer.notes: Pad or
trim sequences to multiples of 6 …" says why only beside "tokenizer.type: 6-mer BPE", the
sibling naming the thing the note is about."""

from __future__ import annotations

from retrieval.units import field_label

NOTE_KEYS = ("notes", "note", "caveat", "caveats", "warning")
NAMING_KEYS = ("type", "name")  # the sibling that says what the parent field is


def with_named_parent(sents, view) -> None:
    """Add to each note field among `sents` its parent's naming sibling (in place)."""
    for s in sents:
        label = field_label(s.chunk) if s.chunk is not None else ""
        parent, _, key = label.rpartition(".")
        eid = s.entity or (s.chunk.entity_ids[0] if s.chunk and s.chunk.entity_ids else None)
        if not parent or key not in NOTE_KEYS or not eid:
            continue
        naming = {f"{parent}.{k}" for k in NAMING_KEYS}
        for a in view.attributes(eid):
            if a.path in naming and a.prov.source == s.source:
                s.text = f"{s.text} ({a.path}: {a.raw})"
                s.lines = (min(s.lines[0], a.prov.line_start), max(s.lines[1], a.prov.line_end))
                break
