"""Citation keys: "Dinsdale et al., NeuroImage 2021" and a paper card meet at "Dinsdale 2021".

Cards cite literature in free text (`reference: "Liu & Yap, Communications Engineering 2024"`).
A paper card gets the key of its first author's surname and its year as an alias, and a cited
text in a reference field becomes a reference to that key, so the method that cites a paper
links to the paper's card. A citation of a paper the KB has no card for is normal (external
literature) and resolves to nothing, silently.
"""

from __future__ import annotations

import re

from ingest.normalize import parse_year

# Leading surname, then optional "et al." / "& Other" / "and Other", then a four-digit year later on.
_CITED = re.compile(
    r"^\s*(?P<surname>[A-Z][A-Za-z'\u00C0-\u017F\-]+)"
    r"(?:\s+(?:et\s+al\.?|(?:&|and)\s+[A-Z][A-Za-z'\u00C0-\u017F\-]+))?"
    r"\s*[,(]?[^\n]*?\b(?P<year>(?:19|20)\d\d)\b"
)
_INITIALS = re.compile(r"^(?:[A-Z]\.?){1,3}$")
# Group authors ("Arc Institute Team") have no surname to cite by.
_GROUP_WORDS = {"team", "consortium", "institute", "group", "collaboration", "lab"}


def first_surname(authors: object) -> str | None:
    """The first author's surname: "Natalie K. Dinsdale", "Dong, Zijian", "Yoon et al." → it."""
    first = authors[0] if isinstance(authors, list) and authors else authors
    if not isinstance(first, str):
        return None
    text = re.sub(r"\bet\s+al\.?", "", first).strip(" ,.")
    if not text or _GROUP_WORDS & set(text.lower().split()):
        return None
    if "," in text:
        return text.split(",", 1)[0].strip() or None
    tokens = text.split()
    # "Dinsdale NK" puts initials last; "Natalie K. Dinsdale" puts the surname last.
    return tokens[0] if len(tokens) > 1 and _INITIALS.match(tokens[-1]) else tokens[-1]


def citation_key(surname: str, year: int) -> str:
    return f"{surname} {year}"


def paper_key(data: dict) -> str | None:
    """The citation key of a paper card's data, when it names a first author and a year."""
    surname = first_surname(data.get("authors"))
    year = parse_year(data.get("year")) or parse_year(data.get("venue"))
    return citation_key(surname, year) if surname and year else None


def cited_key(text: str) -> str | None:
    """The citation key a free-text citation names, or None when the text is no citation."""
    m = _CITED.match(text)
    return citation_key(m.group("surname"), int(m.group("year"))) if m else None
