"""Facts stated in markdown docs, as claims about entities the linker will identify.

Two shapes are read:

- tables whose header names canonical properties ("Modality", "Context", "Parameters",
  "License", ...): each row is a claim about the entity named in its first column;
  a one-row table whose *first* column is already a property (an "at a glance" sheet) is
  about the doc's subject, given by an ``<!-- model-id: x -->`` marker;
- ``**Label:** value`` lines in a doc with a model-id marker ("**Context length:** 1M").

A claim is an `Attribute` whose `entity` is the name as written; the linker resolves it
to an entity id or drops it.
"""

from __future__ import annotations

import re

from ingest.md_clean import strip_symbols
from ingest.properties import normalise
from kg.ir import Attribute, Provenance
from kg.vocab import PROPERTIES, PROPERTY_SYNONYMS

_LABELS = {spec["label"].lower(): prop for prop, spec in PROPERTIES.items()}
# Labels too vague or too free-form to be read as facts in a doc table ("Name", "Summary", "Status" columns
# hold the doc's own wording, not a comparable property value).
_TYPED = {"count", "year", "date", "boolean"}
_SKIP = {"name", "summary", "status", "title", "objective", "tag", "task", "link", "checkpoint"}


def header_property(header: str) -> str | None:
    """The canonical property a table header or bold label names, or None."""
    key = re.sub(r"\s+", " ", strip_symbols(header)).strip().strip(":*_ ").lower()
    prop = (
        PROPERTY_SYNONYMS.get(key)
        or _LABELS.get(key)
        or (key.replace(" ", "_") if key.replace(" ", "_") in PROPERTIES else None)
    )
    if prop in _SKIP or (prop and PROPERTIES[prop]["type"] == "ref"):
        return None  # entity columns ("Model", "Datasets") and vague labels are not facts
    return prop


def entity_text(cell: str) -> str:
    """The entity name in a first-column cell: emoji, markup and notes stripped."""
    text = strip_symbols(cell).strip().strip("*_`").strip()
    return re.sub(r"\s+", " ", text)


def claim(
    entity: str, prop: str, label: str, raw: str, path: str, prov: Provenance
) -> Attribute | None:
    """One fact about a named entity, normalised for its property.

    None when a typed property (count, year, date, boolean) cannot be read from the cell:
    "Context: DNA" in a doc table is the doc's wording, not a context length.
    """
    value, dtype, unit = normalise(prop, raw, raw)
    if value is None and PROPERTIES[prop]["type"] in _TYPED:
        return None
    return Attribute(entity, path, raw, value, prov, prop, unit, dtype)


def table_claims(
    header: list[str],
    rows: list[tuple[int, list[str]]],
    index: int,
    source: str,
    heading: str,
    subject: str | None,
) -> list[Attribute]:
    """Claims from one table: rows are (line, cells) with cells already reduced to text."""
    props = [header_property(h) for h in header]
    out: list[Attribute | None] = []
    if props and props[0] is not None:
        if subject is None or len(rows) != 1:
            return out  # a property sheet about nobody in particular
        line, cells = rows[0]
        for col, (prop, label) in enumerate(zip(props, header, strict=False)):
            if prop and col < len(cells) and cells[col].strip():
                prov = Provenance(source, line, line, heading)
                out.append(
                    claim(
                        subject,
                        prop,
                        label,
                        cells[col].strip(),
                        f"table{index}.{label.strip()}",
                        prov,
                    )
                )
        return [c for c in out if c is not None]
    if not any(props[1:]):
        return out
    for r, (line, cells) in enumerate(rows):
        name = entity_text(cells[0]) if cells else ""
        if not name:
            continue
        for col in range(1, min(len(cells), len(props))):
            prop = props[col]
            if prop and cells[col].strip():
                prov = Provenance(source, line, line, heading)
                path = f"table{index}[{r}].{header[col].strip()}"
                out.append(claim(name, prop, header[col], cells[col].strip(), path, prov))
    return [c for c in out if c is not None]


def label_claim(
    subject: str, label: str, value: str, line: int, source: str, heading: str
) -> Attribute | None:
    """A `**Label:** value` line about the doc's subject, when the label is a property."""
    prop = header_property(label)
    if prop is None or not value.strip():
        return None
    prov = Provenance(source, line, line, heading)
    return claim(subject, prop, label, value.strip(), f"label.{label.strip()}", prov)
