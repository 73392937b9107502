"""Resolve every Reference across all parsed sources in one pass.

1. Ids: entities are claimed in path order ("<vocab>" first). A later card reusing an id of
   the *same* kind gets a "duplicate-id" error and is kept under its file name (references
   to the id reach the first definition; nothing of the later card is lost). A later card
   reusing an id of *another* kind is kept as `{id}.{kind}` with a warning, because entity
   ids are unique across kinds in the stores. Registry
   entries yield to every card and take `{card}.{key}` when their key is taken.
2. References resolve against ids, KB paths (from the root, from the file, unique base
   name), dotted registry refs and aliases. Unresolved ones become "unresolved-ref"
   warnings with a did-you-mean hint; prose mentions never warn.
3. Derived relations: paper → model "describes" (from `related_to` or the paper's file
   stem `<model>_<year>`), its inverse "described_by", and "part_of" for registry entries.
4. Doc claims (table rows, bold labels) become attributes of the entity they name.

`Linker` is built from every source's names only (`SourceNames`) and links one source at a
time, so the pipeline never holds the parsed KB; `link` links a list in one call.
"""

from __future__ import annotations

import dataclasses
from pathlib import PurePosixPath

from ingest.card_refs import is_path_like
from ingest.link_index import LinkIndex, SourceNames
from kg.ir import (
    Attribute,
    Entity,
    Finding,
    LinkedSource,
    ParsedSource,
    Provenance,
    Reference,
    Relation,
)

VOCAB_PATH = "<vocab>"


def _order(names: list[SourceNames]) -> list[int]:
    return sorted(
        range(len(names)),
        key=lambda i: (names[i].path != VOCAB_PATH, names[i].path),
    )


def _assign_ids(
    names: list[SourceNames], findings: dict[int, list[Finding]]
) -> dict[int, dict[str, str | None]]:
    """Decide every entity's final id; returns per source {old id: new id, or None to drop}."""
    taken: dict[str, tuple[str, str, int]] = {}
    renames: dict[int, dict[str, str | None]] = {}
    order = [i for i in _order(names) if names[i].ok]
    for nested in (False, True):
        for i in order:
            p = names[i]
            for e in p.entities:
                if (e.parent is not None) != nested:
                    continue
                new = e.id
                if nested and e.parent in renames.get(i, {}) and renames[i][e.parent] is None:
                    renames[i][e.id] = None  # the registry card itself was a duplicate
                    continue
                if nested and new in taken:
                    new = f"{renames.get(i, {}).get(e.parent) or e.parent}.{new.rsplit('.', 1)[-1]}"
                if new in taken:
                    kind, where, line = taken[new]
                    same_kind = kind == e.kind
                    alt = _free_id(taken, new, e.kind, p.path, same_kind)
                    detail = (
                        f"id '{e.id}' is already defined by {where}:{line}; this {e.kind} is kept as '{alt}'"
                        if same_kind
                        else f"id '{e.id}' is also the id of the {kind} in {where}:{line}; this {e.kind} is stored as '{alt}'"
                    )
                    # Same kind is an error (references to the id reach the first card only);
                    # either way the card's facts are kept under a new id, so nothing is lost.
                    findings[i].append(
                        Finding(
                            "error" if same_kind else "warning",
                            "duplicate-id",
                            p.path,
                            e.prov.line_start,
                            detail,
                            "give each card a unique id",
                        )
                    )
                    new = alt
                if new != e.id:
                    renames.setdefault(i, {})[e.id] = new
                taken[new] = (e.kind, p.path, e.prov.line_start)
    return renames


def _free_id(taken: dict, id_: str, kind: str, path: str, same_kind: bool) -> str:
    """A new id for a card whose id is taken: its file name for a same-kind duplicate,
    `{id}.{kind}` for a cross-kind one, numbered if that is taken too."""
    # Doc ids are paths without the extension, so the full path is a unique fallback.
    first = path if kind == "doc" else PurePosixPath(path).stem if same_kind else f"{id_}.{kind}"
    candidate, n = first, 2
    while candidate in taken or candidate == id_:
        candidate, n = f"{first}.{n}", n + 1
    return candidate


def _renamer(mapping: dict[str, str | None]):
    def m(x: str | None) -> str | None:
        return mapping.get(x, x) if x is not None else None

    return m


def _rekey_entities(entities: list[Entity], mapping: dict[str, str | None]) -> list[Entity]:
    m = _renamer(mapping)
    return [
        dataclasses.replace(e, id=m(e.id), parent=m(e.parent))
        for e in entities
        if m(e.id) is not None
    ]


def _rekey(p: ParsedSource, mapping: dict[str, str | None]) -> ParsedSource:
    """A copy of a source with entity ids renamed (None: the entity and its facts dropped)."""
    m = _renamer(mapping)
    attrs = [
        dataclasses.replace(a, entity=m(a.entity)) for a in p.attributes if m(a.entity) is not None
    ]
    refs = [
        dataclasses.replace(r, subject=m(r.subject))
        for r in p.references
        if m(r.subject) is not None
    ]
    sections = [
        dataclasses.replace(s, doc=m(s.doc), id=f"{m(s.doc)}#{s.id.split('#', 1)[1]}")
        for s in p.sections
        if m(s.doc) is not None
    ]
    return dataclasses.replace(
        p,
        entities=_rekey_entities(p.entities, mapping),
        attributes=attrs,
        references=refs,
        sections=sections,
    )


class Linker:
    """Links one source at a time against the names of the whole KB.

    Built from every source's names (`SourceNames`: entities and section anchors), so the
    caller need not hold the parsed KB: it hands each source to `link` when it needs it,
    e.g. read back from the parse cache. Linking a source twice gives the same result.
    """

    def __init__(self, names: list[SourceNames]):
        self.findings: dict[int, list[Finding]] = {i: [] for i in range(len(names))}
        self.renames = _assign_ids(names, self.findings)
        self.index = LinkIndex()
        for i in _order(names):
            n = names[i]
            if not n.ok:
                continue
            mapping = self.renames.get(i, {})
            originals = {v: k for k, v in mapping.items() if v}
            for k, e in enumerate(_rekey_entities(n.entities, mapping)):
                self.index.add_entity(e, originals.get(e.id, e.id), n.path, k == 0)
            for doc, anchor in n.anchors:
                doc_id = mapping.get(doc, doc)
                if doc_id is not None:
                    self.index.anchors[doc_id].add(anchor)
        self.index.freeze()

    @property
    def kinds(self) -> dict[str, str]:
        """Entity id -> kind for every entity of the KB (final ids)."""
        return self.index.kind_of

    def renames_of(self, i: int) -> dict[str, str | None]:
        """The ids source `i` lost to duplicates: {its id: the id it is stored under, or None}."""
        return self.renames.get(i, {})

    def link(self, i: int, p: ParsedSource) -> LinkedSource:
        """Source `i` (the parse whose names were at position `i`) with references resolved.

        A head without attributes and sections links to the same relations and findings.
        """
        if i in self.renames:
            p = _rekey(p, self.renames[i])
        if not p.ok:
            return LinkedSource(parsed=p, findings=list(p.findings))
        rels: list[Relation] = []
        found = list(p.findings) + self.findings[i]
        for ref in p.references:
            self.reference(p, ref, rels, found)
        self.derived(p, rels)
        claims = self.claims(p)
        linked = dataclasses.replace(p, attributes=p.attributes + claims) if claims else p
        return LinkedSource(parsed=linked, relations=_dedupe(rels), findings=found)

    def reference(
        self, p: ParsedSource, ref: Reference, rels: list[Relation], found: list[Finding]
    ) -> None:
        idx = self.index
        if ref.mention:
            for eid, surface in idx.mentions(ref.text):
                if eid != ref.subject:
                    rels.append(Relation(ref.subject, "mentions", eid, ref.prov, surface))
            return
        target, anchor = idx.resolve(ref.text, ref.expected_kinds, p.source.path)
        if target is None:
            if not ref.citation:  # a paper the KB has no card for is no defect
                found.append(self.unresolved(p, ref))
            return
        if target == ref.subject:
            return
        kind = idx.kind_of[target]
        if anchor and kind == "doc" and anchor not in idx.anchors.get(target, ()):
            found.append(
                Finding(
                    "warning",
                    "unresolved-anchor",
                    p.source.path,
                    ref.prov.line_start,
                    f"'{ref.text}' names a section '#{anchor}' that the doc does not have",
                    "check the heading; anchors are the heading in lower case with '-' for spaces",
                )
            )
        pred = ref.predicate
        subject_kind = idx.kind_of.get(ref.subject)
        if subject_kind == "paper" and kind == "model" and pred in ("related_to", "refers_to"):
            pred = "describes"
        elif (
            ref.expected_kinds
            and kind not in ref.expected_kinds
            and pred not in ("related_to", "links_to")
        ):
            pred = "documented_in" if kind == "doc" else "refers_to"
        rels.append(Relation(ref.subject, pred, target, ref.prov, ref.text))
        if pred == "describes":
            rels.append(Relation(target, "described_by", ref.subject, ref.prov, ref.text))

    def unresolved(self, p: ParsedSource, ref: Reference) -> Finding:
        path = is_path_like(ref.text)
        what = "is not a file in the KB" if path else "no card defines"
        guess = self.index.suggest(ref.text, ref.expected_kinds, path)
        hint = (
            f"did you mean '{guess}'?"
            if guess
            else (
                "add the file or fix the path"
                if path
                else "add a card with this id or fix the spelling"
            )
        )
        where = ref.prov.path or "reference"
        message = f"'{where}' refers to '{ref.text}', which {what}"
        return Finding(
            "warning", "unresolved-ref", p.source.path, ref.prov.line_start, message, hint
        )

    def derived(self, p: ParsedSource, rels: list[Relation]) -> None:
        idx = self.index
        described = {(r.subject, r.object) for r in rels if r.predicate == "describes"}
        for e in p.entities:
            if e.parent:
                rels.append(Relation(e.id, "part_of", e.parent, e.prov, e.parent))
            if e.kind != "paper":
                continue
            parts = PurePosixPath(p.source.path).stem.split("_")
            for k in range(len(parts) - 1, 0, -1):
                cand = "_".join(parts[:k])
                model = idx.by_kind_id.get((cand, "model"))
                if model and (e.id, model) not in described:
                    prov = Provenance(
                        p.source.path, e.prov.line_start, e.prov.line_start, "(file name)"
                    )
                    rels.append(
                        Relation(e.id, "describes", model, prov, PurePosixPath(p.source.path).name)
                    )
                    rels.append(
                        Relation(
                            model, "described_by", e.id, prov, PurePosixPath(p.source.path).name
                        )
                    )
                    break
                if model:
                    break

    def claims(self, p: ParsedSource) -> list[Attribute]:
        out = []
        for c in getattr(p, "claims", None) or ():
            eid = self.index.resolve_name(c.entity)
            if eid is not None and self.index.kind_of[eid] not in ("doc", "modality"):
                out.append(dataclasses.replace(c, entity=eid))
        return out


def _dedupe(rels: list[Relation]) -> list[Relation]:
    seen = set()
    out = []
    for r in rels:
        key = (r.subject, r.predicate, r.object, r.prov.line_start, r.prov.path)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def link(parsed: list[ParsedSource]) -> list[LinkedSource]:
    """Resolve all references across sources; one LinkedSource per input, same order.

    Sources with ok=False are passed through with their findings (the pipeline substitutes
    their last good parse before calling this, so they do not take part in resolution).
    """
    linker = Linker([SourceNames.of(p) for p in parsed])
    return [linker.link(i, p) for i, p in enumerate(parsed)]
