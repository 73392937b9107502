"""What linking finds in a question: the entity links and the `Linked` bundle of all links."""

from __future__ import annotations

from dataclasses import dataclass, field

from retrieval.quantities import Quantity
from retrieval.question import Token
from retrieval.terms import PropertyLink, ValueLink

_CLAUSE_START = {"how", "what", "which", "who", "where", "when", "why", "is", "does", "do"}


@dataclass(frozen=True, slots=True)
class EntityLink:
    """An entity the question names; `score` is 1.0 for exact name matches, less if fuzzy."""

    id: str
    kind: str
    name: str
    text: str
    span: tuple[int, int]  # token indices [start, end)
    score: float
    alternatives: tuple[str, ...] = ()  # other entities with the same name, best first


@dataclass(slots=True)
class Linked:
    """Everything linked in one question."""

    question: str
    tokens: list[Token]
    entities: list[EntityLink] = field(default_factory=list)
    properties: list[PropertyLink] = field(default_factory=list)
    values: list[ValueLink] = field(default_factory=list)
    modalities: list[str] = field(default_factory=list)
    modality_spans: list[tuple[str, tuple[int, int]]] = field(default_factory=list)
    kinds: list[tuple[str, tuple[int, int]]] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    superlative: tuple[str, str | None] | None = None
    unknown: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # name-like words no link consumed
    words: list[str] = field(default_factory=list)  # content stems no link consumed
    asked: list[int] = field(default_factory=list)  # token indices of what is asked for

    def name_phrases(self) -> list[str]:
        """Name-like words no link resolved, neighbours joined ("Hugging Face")."""
        out: list[str] = []
        last = -2
        for i, t in enumerate(self.tokens):
            if t.text in self.names:
                if i == last + 1 and out:
                    out[-1] += f" {t.text}"
                else:
                    out.append(t.text)
                last = i
        return out

    def asked_phrases_in_full(self) -> list[list[str]]:
        """Each asked run's stems with an "of …" after it ("regions of interest"), as a
        value may shorten the whole phrase to its initials ("ROIs")."""
        toks, out = self.tokens, []
        for g in self.asked_groups():
            k = g[-1] + 1
            of = k + 1 < len(toks) and toks[k].low == "of"
            tail = [toks[k].low, toks[k + 1].stem] if of else []
            out.append([toks[i].stem for i in g] + tail)
        return out

    def counted(self, group: list[int]) -> bool:
        """Whether an asked group is what "how many / how much" counts ("how many <T1/T2
        scans>")."""
        i = group[0] if group else 0
        return (
            i >= 2
            and self.tokens[i - 1].low in ("many", "much")
            and self.tokens[i - 2].low == "how"
        )

    def asked_groups(self) -> list[list[int]]:
        """The asked tokens in runs ("what <filter band> … which <parcellation>": two)."""
        groups: list[list[int]] = []
        for i in self.asked:
            if groups and i == groups[-1][-1] + 1:
                groups[-1].append(i)
            else:
                groups.append([i])
        return groups

    def parts(self) -> int:
        """How many things the question asks: asked runs, or clauses joined by "and how /
        and what / and which …" (at least 1)."""
        lows = [t.low for t in self.tokens]
        clauses = 1 + sum(
            1 for i in range(1, len(lows) - 1) if lows[i] == "and" and lows[i + 1] in _CLAUSE_START
        )
        return max(clauses, len(self.asked_groups()), 1)

    def asked_phrases(self, skip: set[str] = frozenset()) -> list[list[str]]:
        """The asked phrases as stems, without kind, modality and name words ("EEG
        foundation model" is a kind) or words in `skip` (frame words)."""
        spans = [span for _, span in self.kinds] + [span for _, span in self.modality_spans]
        spans += [e.span for e in self.entities]
        aside = {i for a, b in spans for i in range(a, b)}
        out = []
        for group in self.asked_groups():
            words = [
                self.tokens[i].stem
                for i in group
                if self.tokens[i].stem not in skip and i not in aside
            ]
            if words:
                out.append(words)
        return out

    def asked_heads(self, skip: set[str] = frozenset()) -> set[str]:
        """The last word of each asked phrase, the thing named ("weight <decay>", "main
        <limitations>")."""
        return {phrase[-1] for phrase in self.asked_phrases(skip)}

    def asked_words(self) -> list[str]:
        """Stems of the words naming what the question asks for ("how many ROIs")."""
        return [self.tokens[i].stem for i in self.asked]

    def property_names(self) -> list[str]:
        """Linked properties in question order; weak cues only when nothing stronger."""
        strong = [p.property for p in self.properties if not p.weak]
        names = strong or [p.property for p in self.properties]
        return list(dict.fromkeys(names))

    def kind_names(self) -> list[str]:
        """Kinds the question names, in order, once each."""
        return list(dict.fromkeys(k for k, _ in self.kinds))
