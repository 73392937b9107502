"""A term in capitals an answer uses ("Brain Harmony's TR-adaptive TAPE …") comes with the
sentence of the same file that defines it ("TAPE: Temporal Adaptive Patch Embedding …")."""

from __future__ import annotations

import re

_TERM = re.compile(r"\b[A-Z][A-Z0-9]{2,}\b")  # a term in capitals ("TAPE", "LOGO")


def with_definition(out: list, scored: list, limit: int) -> list:
    """ "How / why …?" answered with a term in capitals: the scored unit of the same file
    that defines it follows the first unit naming it (`out` kept to `limit` units)."""
    said = " ".join(s.text for s in out)
    for n, s in enumerate(out):
        for term in dict.fromkeys(_TERM.findall(s.text)):
            opens = re.compile(rf"(^|: ){re.escape(term)}: \w")  # "…: TAPE: Temporal Adaptive …"
            if opens.search(said):
                continue  # defined in the answer already
            found = (x for x in scored if x not in out and x.source == s.source)
            d = next((x for x in found if opens.search(x.text)), None)
            if d is not None:
                return [*out[: n + 1], d, *out[n + 1 :]][:limit]
    return out
