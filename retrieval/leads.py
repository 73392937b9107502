"""How a structured answer opens: the entities found, listed by name (papers as "Title
(Author et al., year)", registry members with their ids), after how they were reached."""

from __future__ import annotations

from ingest.normalize import is_null
from kg.sql.models import normalise_key
from retrieval.facts import plural

MAX_LISTED = 25
REGISTRY_KINDS = {"strategy", "method", "pipeline"}  # members of registry cards


def listed(view, eid: str) -> str:
    """An entity in a list: its name, with its id when that reads differently (registry
    members are referred to by id: "No harmonisation (none_baseline)")."""
    name = view.name(eid)
    if view.kind(eid) == "paper":
        return f"{name} ({cite})" if (cite := author_year(view, eid)) else name
    if view.kind(eid) not in REGISTRY_KINDS or normalise_key(name) == normalise_key(eid):
        return name
    return f"{name} ({eid})"


def author_year(view, eid: str) -> str:
    """ "Winkler et al., 2020": how papers are cited in this field (from the paper's card)."""
    own = [a for a in view.attributes(eid) if a.prov.source == view.source(eid)]
    authors = [str(a.raw) for a in own if a.property == "author" and not is_null(str(a.raw))]
    year = next((str(a.raw) for a in own if a.property == "year"), "")
    who = ""
    if authors:
        first = authors[0]  # "Winkler, A. M." or "Anderson M. Winkler"
        surname = first.split(",")[0] if "," in first else first.split()[-1]
        who = surname + (" et al." if len(authors) > 1 else "")
    return ", ".join(p for p in (who, year) if p)


def lead(view, plan, base, final, hops) -> str:
    """ "Caduceus → datasets: A, B." after a hop; "Models (3): A, B, C." for a list."""
    names = [listed(view, e) for e in final[:MAX_LISTED]]
    more = f" and {len(final) - MAX_LISTED} more" if len(final) > MAX_LISTED else ""
    kind = view.kind(final[0]) if final else plan.target or "entity"
    if hops and plan.seeds:
        start = ", ".join(view.name(b) for b in base)
        return f"{start} → {plural(kind)}: {', '.join(names)}{more}."
    if plan.seeds and not hops:
        return ""
    return f"{plural(kind).capitalize()} ({len(final)}): {', '.join(names)}{more}."
