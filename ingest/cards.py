"""YAML cards (model, paper, dataset, integration, experiment) → IR.

Every scalar leaf becomes an Attribute with its YAML path, raw text, normalised value and
line; nothing is dropped (empty lists/maps keep one attribute). Reference fields, KB paths,
dotted registry refs and modality values become References for the linker; prose fields
become mention References. Registry entries (`strategies.<key>`, ...) are entities of their
own that own the attributes below them.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from ingest.card_refs import NO_SCAN_ROOTS, RefCollector, ref_rule
from ingest.citations import paper_key
from ingest.normalize import modalities_for, parse_venue, parse_year
from ingest.properties import normalise, property_for_shape, shape
from ingest.registries import REGISTRY_KINDS, RegistryEntry, owner_of, registry_entries, slug
from ingest.yaml_lines import Leaf, YamlDoc
from kg.ir import Attribute, Entity, Finding, ParsedSource, Provenance, Reference, SourceFile
from kg.vocab import MODALITIES

KIND_OF_SOURCE = {
    "model_card": "model",
    "paper_card": "paper",
    "dataset_card": "dataset",
    "integration_card": "integration",
    "experiment": "experiment",
}
NAME_FIELDS = ("name", "title", "experiment_name")
ALIAS_FIELDS = ("aliases", "short_name")
PROSE_KEYS = {"summary", "description", "notes", "objective", "relevance"}
PROSE_LISTS = {
    "key_contributions",
    "key_takeaways",
    "key_takeaways_for_us",
    "implications_for_project",
    "limitations",
    "intended_use",
}
LIST_FIELDS = {"datasets", "tasks", "tags", "integrations", "intended_use", "authors", "related_to"}
# "… (released as BrainHarmonix) …": a card's summary naming another name it goes by.
_NAMED_AS = re.compile(
    r"\b(?:released|distributed|published|also known|also called|better known|known) as "
    r"([A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)"
)
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.\-]+$")
_MODALITY_HINT = "use one of: " + ", ".join(MODALITIES)


def derive_aliases(eid: str, name: str, extra: list[str] = ()) -> list[str]:
    """Spellings that should find the entity: "Brain-JEPA" → BrainJEPA, brainjepa, brain jepa."""
    out: list[str] = []
    for base in (name, eid, *extra):
        if not base:
            continue
        head = re.sub(r"\s*\(.*\)\s*$", "", base).strip()  # "M3FM (Multilingual ...)" → "M3FM"
        forms = [base, head]
        for form in (base, head):
            if len(form.split()) <= 4:
                compact = re.sub(r"[^0-9A-Za-z]+", "", form)
                forms += [compact, compact.lower()]
            forms += [form.lower(), re.sub(r"[^0-9a-z]+", " ", form.lower()).strip()]
        out.extend(f for f in forms if f)
    return [a for a in dict.fromkeys(out) if a not in (eid, name)]


class CardParser:
    """Builds one card's entities, attributes and references."""

    def __init__(self, source: SourceFile, doc: YamlDoc):
        self.source = source
        self.doc = doc
        self.path = source.path
        self.kind = KIND_OF_SOURCE.get(source.kind, "integration")
        self.out = ParsedSource(source=source, findings=list(doc.findings))
        self.refs = RefCollector(self.path)

    def finding(self, severity: str, code: str, line: int, message: str, hint: str) -> None:
        self.out.findings.append(Finding(severity, code, self.path, line, message, hint))

    def line_of(self, key: str) -> int:
        return self.doc.spans.get(key, (1, 1))[0]

    def card_id(self, data: dict) -> str:
        stem = PurePosixPath(self.path).stem
        raw = data.get("id")
        if raw is None or raw == "":
            if self.kind not in ("paper", "experiment"):
                self.finding(
                    "warning",
                    "missing-id",
                    1,
                    f"the card has no 'id'; using the file name '{slug(stem)}'",
                    f"add 'id: {slug(stem)}'",
                )
            return slug(stem)
        if isinstance(raw, (dict, list, bool)):
            self.finding(
                "error",
                "bad-id",
                self.line_of("id"),
                f"'id' must be a single word, got {type(raw).__name__}",
                f"write 'id: {slug(stem)}'; using the file name meanwhile",
            )
            return slug(stem)
        text = str(raw).strip()
        if not _SAFE_ID.match(text):
            self.finding(
                "error",
                "bad-id",
                self.line_of("id"),
                f"id '{text}' has characters that cannot appear in an IRI; using '{slug(stem)}'",
                "use only letters, digits, '_', '.' and '-'",
            )
            return slug(stem)
        return text

    def card_name(self, data: dict, eid: str) -> str:
        for key in NAME_FIELDS:
            val = data.get(key)
            if val is None:
                continue
            if isinstance(val, (dict, list)):
                self.finding(
                    "warning",
                    "wrong-type",
                    self.line_of(key),
                    f"'{key}' should be text, got a {'list' if isinstance(val, list) else 'mapping'}",
                    f"write '{key}: Human readable name'",
                )
                continue
            if str(val).strip():
                return " ".join(str(val).split())
        return eid

    def check_types(self, data: dict) -> None:
        for key in LIST_FIELDS:
            val = data.get(key)
            if val is None or isinstance(val, (list, dict)):
                continue
            if isinstance(val, str) and key in ("authors", "related_to"):
                continue  # a single author / link is common and harmless
            self.finding(
                "warning",
                "wrong-type",
                self.line_of(key),
                f"'{key}' should be a list, got {type(val).__name__} {str(val)[:40]!r}",
                f"write '{key}:' followed by '- item' lines",
            )

    def parse(self) -> ParsedSource:
        data: dict = self.doc.data
        eid = self.card_id(data)
        name = self.card_name(data, eid)
        extra = [
            str(a) for k in ALIAS_FIELDS for a in _as_list(data.get(k)) if isinstance(a, (str, int))
        ]
        summary = data.get("summary")
        extra += _NAMED_AS.findall(summary) if isinstance(summary, str) else []
        cited_as = paper_key(data) if self.kind == "paper" else None
        extra += [cited_as] if cited_as else []
        end = max((s[1] for s in self.doc.spans.values()), default=1)
        self.out.entities.append(
            Entity(
                eid,
                self.kind,
                name,
                Provenance(self.path, 1, end),
                derive_aliases(eid, name, extra),
            )
        )
        self.check_types(data)
        entries, skipped = registry_entries(data, eid) if self.kind == "integration" else ([], [])
        for section, key in skipped:
            self.finding(
                "warning",
                "wrong-type",
                self.line_of(f"{section}.{key}"),
                f"'{section}.{key}' is not a mapping, so it is not a {REGISTRY_KINDS[section]} entry",
                f"write '{key}:' followed by its indented fields",
            )
        by_path: dict[tuple[str, str], RegistryEntry] = {(e.section, e.key): e for e in entries}
        for e in entries:
            lo, hi = self.doc.spans.get(f"{e.section}.{e.key}", (1, 1))
            self.out.entities.append(
                Entity(
                    e.id,
                    e.kind,
                    e.name,
                    Provenance(self.path, lo, hi, f"{e.section}.{e.key}"),
                    derive_aliases(e.id, e.name, [e.key]),
                    parent=eid,
                )
            )
        for leaf in self.doc.leaves:
            entry = owner_of(leaf.segments, by_path)
            owner, rel = (entry.id, leaf.segments[2:]) if entry else (eid, leaf.segments)
            self.leaf(owner, rel, leaf)
        self.out.references.extend(self.refs.refs)
        self.out.findings.extend(self.refs.findings)
        return self.out

    def leaf(self, owner: str, rel: tuple, leaf: Leaf) -> None:
        rel_shape = shape(rel)
        prov = Provenance(self.path, leaf.line_start, leaf.line_end, leaf.path)
        prop = property_for_shape(rel_shape)
        if leaf.empty:
            self.out.attributes.append(Attribute(owner, leaf.path, leaf.raw, None, prov, prop))
            return
        counted = bool(rel_shape) and rel_shape[0] == "counts"
        value, dtype, unit = normalise(prop, leaf.value, leaf.raw, counted)
        self.out.attributes.append(
            Attribute(owner, leaf.path, leaf.raw, value, prov, prop, unit, dtype)
        )
        if prop in ("year", "venue") and isinstance(leaf.value, str):
            self.year_venue(owner, prop, leaf, prov)
        if not isinstance(leaf.value, str):
            return
        self.modality(owner, rel_shape, leaf, prov)
        rule = ref_rule(rel_shape)
        whole = rule is not None and self.refs.field(owner, rule, leaf.value, prov)
        if not whole and rel_shape[0] not in NO_SCAN_ROOTS:
            self.refs.scan(owner, leaf.value, prov)
        last = next((s for s in reversed(rel) if isinstance(s, str)), "")
        is_list_item = bool(rel) and isinstance(rel[-1], int)
        if last in PROSE_KEYS or last.endswith("_notes") or (is_list_item and last in PROSE_LISTS):
            self.out.references.append(Reference(owner, "mentions", leaf.value, prov, mention=True))

    def year_venue(self, owner: str, prop: str, leaf: Leaf, prov: Provenance) -> None:
        """ "ICML 2024" under venue also states the year (and venue_year the venue)."""
        other = "year" if prop == "venue" else "venue"
        value = parse_year(leaf.value) if other == "year" else parse_venue(leaf.value)
        if value is not None:
            dtype = "integer" if other == "year" else "string"
            self.out.attributes.append(
                Attribute(owner, f"{leaf.path}:{other}", leaf.raw, value, prov, other, None, dtype)
            )

    def modality(self, owner: str, rel_shape: tuple, leaf: Leaf, prov: Provenance) -> None:
        keys = [s for s in rel_shape if s != "[]"]
        if not keys:
            return
        top = len(keys) == 1
        if not (keys[-1] in ("modality", "modalities") or (top and keys[-1] == "domain")):
            return
        ids = modalities_for(leaf.value)
        for mid in ids:
            self.out.references.append(Reference(owner, "has_modality", mid, prov, ("modality",)))
        if not ids and top and keys[-1] != "domain" and leaf.value.strip():
            self.finding(
                "warning",
                "unknown-modality",
                leaf.line_start,
                f"'{leaf.path}' = {leaf.value!r} is not in the modality vocabulary",
                _MODALITY_HINT,
            )


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def parse_card(source: SourceFile, doc: YamlDoc) -> ParsedSource:
    """Turn a parsed YAML card into a ParsedSource (the YAML must be an ok mapping)."""
    return CardParser(source, doc).parse()
