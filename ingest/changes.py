"""Which sources changed: link each source's head and digest what it contributes.

A source is rewritten only when the digest of its *linked* content differs from the one SQL
recorded. The parse itself is named by its content hash, its path and the parser version
(parsing is deterministic), so the digest reads only the source's head: its entities, the
relations and findings linking gives, its doc claims, and the kinds of what it points at.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ingest.conflicts import COMPARABLE
from ingest.linker import Linker
from ingest.parse_cache import PARSER_VERSION, SourceHead
from ingest.source_set import SourceSet
from kg.ir import Attribute, Finding, LinkedSource, ParsedSource


def source_digest(
    linked: LinkedSource,
    kinds: Mapping[str, str],
    renames: Mapping[str, str | None] | None = None,
    owners: Iterable[str] = (),
) -> str:
    """A hash of everything a source contributes to the stores (after linking).

    Args:
        linked: the linked source, whole or only its head (no attributes or sections).
        kinds: entity id -> kind across the KB. The kinds of the entities it points at are
            included: they are part of the IRIs its graph holds, so a card that changes
            kind elsewhere rewrites the graphs linking to it.
        renames: the ids this source lost to duplicates (they rename its facts too).
        owners: the entities its attributes describe, when `linked` is a head.
    """
    p = linked.parsed
    targets = sorted(
        {r.object for r in linked.relations} | {a.entity for a in p.attributes} | set(owners)
    )
    payload = repr(
        (
            PARSER_VERSION,
            p.source.kind,
            p.source.sha256,
            p.source.path,
            sorted((renames or {}).items()),
            p.entities,
            p.attributes,
            p.sections,
            linked.relations,
            linked.findings,
            [kinds.get(t) for t in targets],
        )
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class Scan:
    """What linking every source's head found: per-path digests, the positions of the
    sources to rewrite, all findings, and the facts conflicts compare."""

    digests: dict[str, str] = field(default_factory=dict)
    upserts: list[int] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    facts: list[LinkedSource] = field(default_factory=list)


def scan(sources: SourceSet, linker: Linker, states, skip: set[str]) -> Scan:
    """Link each source's head once; a source changed when SQL has no good row for it or
    its digest differs. Paths in `skip` (failing files) are never rewritten."""
    out = Scan()
    kinds = linker.kinds
    for i in range(len(sources)):
        head = sources.head(i)
        linked = linker.link(i, head.parsed)
        renames = linker.renames_of(i)
        owners = [renames.get(o, o) for o in head.owners]
        path = head.path
        digest = source_digest(linked, kinds, renames, [o for o in owners if o is not None])
        out.digests[path] = digest
        out.findings.extend(linked.findings)
        state = states.get(path)
        if path not in skip and (state is None or not state.ok or state.digest != digest):
            out.upserts.append(i)
        facts = _comparable(head, linked, renames)
        if facts is not None:
            out.facts.append(facts)
    return out


def _comparable(
    head: SourceHead, linked: LinkedSource, renames: Mapping[str, str | None]
) -> LinkedSource | None:
    """The part of a source conflicts read: comparable facts (its own, then its doc claims)
    and the papers describing its models; None when it has neither."""
    own: list[Attribute] = [
        dataclasses.replace(a, entity=renames[a.entity]) if a.entity in renames else a
        for a in head.facts
        if renames.get(a.entity, a.entity) is not None
    ]
    claims = [a for a in linked.parsed.attributes if a.property in COMPARABLE]
    described = [r for r in linked.relations if r.predicate == "described_by"]
    if not (own or claims or described):
        return None
    parsed = ParsedSource(source=head.parsed.source, attributes=own + claims)
    return LinkedSource(parsed=parsed, relations=described)
