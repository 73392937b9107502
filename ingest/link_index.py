"""Lookup tables the linker resolves references against, built once per link run.

Everything is a dict lookup so linking stays linear in the size of the KB: ids, file paths,
unique base names, dotted registry refs (`card.key`), normalised aliases, and a token trie
for prose mentions (longest match first, case-insensitive, word-bounded by construction).
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from ingest.card_refs import is_path_like, strip_note
from kg.ir import Entity, ParsedSource

# When one name fits several entities, prefer this order; equal kinds stay ambiguous.
KIND_PRIORITY = (
    "model",
    "dataset",
    "strategy",
    "method",
    "pipeline",
    "integration",
    "experiment",
    "paper",
    "doc",
    "modality",
)
MENTION_KINDS = {
    "model",
    "dataset",
    "paper",
    "integration",
    "strategy",
    "method",
    "pipeline",
    "experiment",
}
_TOKEN = re.compile(r"[A-Za-z0-9]+")


def norm(text: str) -> str:
    """Lower-case letters and digits only: "Brain-JEPA", "brain jepa", "BrainJEPA" all meet."""
    return "".join(_TOKEN.findall(text.lower()))


def _rank(kind: str) -> int:
    return KIND_PRIORITY.index(kind) if kind in KIND_PRIORITY else len(KIND_PRIORITY)


def pick(ids: list[str], kind_of: dict[str, str], kinds: tuple[str, ...] = ()) -> str | None:
    """The one id to use among candidates: filtered by kinds, then by kind priority."""
    cands = [i for i in dict.fromkeys(ids) if not kinds or kind_of[i] in kinds]
    if not cands:
        return None
    best = min(_rank(kind_of[i]) for i in cands)
    top = [i for i in cands if _rank(kind_of[i]) == best]
    return top[0] if len(top) == 1 else None


@dataclass(slots=True)
class SourceNames:
    """What the index needs of one source: its entities and section anchors, no facts.

    Held for every source of the KB while linking, instead of the parsed sources.
    """

    path: str
    ok: bool
    entities: list[Entity]
    anchors: list[tuple[str, str]]  # (doc id, anchor) of each section

    @classmethod
    def of(cls, parsed: ParsedSource, anchors: list[tuple[str, str]] | None = None):
        """The names of a parsed source (`anchors` when its sections were left out)."""
        if anchors is None:
            anchors = [(s.doc, s.id.split("#", 1)[1]) for s in parsed.sections if "#" in s.id]
        return cls(parsed.source.path, parsed.ok, parsed.entities, anchors)


class LinkIndex:
    """All resolvable names of one KB."""

    def __init__(self) -> None:
        self.kind_of: dict[str, str] = {}
        self.by_kind_id: dict[tuple[str, str], str] = {}
        self.by_path: dict[str, str] = {}
        self.by_base: dict[str, list[str]] = defaultdict(list)
        self.dotted: dict[str, str] = {}
        self.aliases: dict[str, list[str]] = defaultdict(list)
        self.anchors: dict[str, set[str]] = defaultdict(set)
        self.trie: dict[tuple[str, ...], list[tuple[str, str | None]]] = defaultdict(list)
        self.lengths: dict[str, set[int]] = defaultdict(set)

    def add_entity(self, e: Entity, original_id: str, path: str, primary: bool) -> None:
        self.kind_of[e.id] = e.kind
        self.by_kind_id.setdefault((original_id, e.kind), e.id)
        if primary:
            self.by_path.setdefault(path, e.id)
            self.by_base[posixpath.basename(path)].append(path)
        if e.parent:
            key = e.id[len(e.parent) + 1 :] if e.id.startswith(e.parent + ".") else original_id
            self.dotted.setdefault(f"{e.parent}.{key}", e.id)
        for alias in (e.id, e.name, *e.aliases):
            key = norm(alias)
            if key and e.id not in self.aliases[key]:
                self.aliases[key].append(e.id)
        if e.kind in MENTION_KINDS:
            self._add_mention_forms(e)

    def _add_mention_forms(self, e: Entity) -> None:
        for alias in dict.fromkeys((e.id, e.name, *e.aliases)):
            tokens = tuple(_TOKEN.findall(alias.lower()))
            compact = "".join(tokens)
            if not tokens or compact.isdigit():
                continue
            exact = None
            if len(compact) < 4:
                if alias != e.name:
                    continue  # short spellings are too ambiguous unless they are the exact name
                exact = alias
            entry = (e.id, exact)
            if entry not in self.trie[tokens]:
                self.trie[tokens].append(entry)
                self.lengths[tokens[0]].add(len(tokens))

    def freeze(self) -> None:
        """Call after the last add: prepares the mention scan and the fuzzy candidate lists."""
        self.sorted_lengths = {k: sorted(v, reverse=True) for k, v in self.lengths.items()}
        self.all_ids = list(self.kind_of)
        self.all_paths = list(self.by_path)
        self.all_dotted = list(self.dotted)
        # Suggestions look candidates up by folder and by kinds: scanning every path or id
        # per unresolved reference was quadratic (at 10k cards 2.5 s of a 5 s link).
        self._by_folder: dict[str, dict[str, str]] = defaultdict(dict)
        for p in self.all_paths:
            folder, base = posixpath.split(p)
            self._by_folder[folder][base] = p
        self._choices: dict[tuple[tuple[str, ...], bool], list[str]] = {}
        self._suggest = lru_cache(maxsize=4096)(self._suggest_uncached)

    def _id_choices(self, kinds: tuple[str, ...], dotted: bool) -> list[str]:
        """The ids a suggestion for `kinds` picks from (plus dotted refs), computed once."""
        key = (kinds, dotted)
        if key not in self._choices:
            self._choices[key] = [
                i
                for i in self.all_ids
                if (kinds and self.kind_of[i] in kinds)
                or (not kinds and self.kind_of[i] not in ("doc", "modality"))
            ] + (self.all_dotted if dotted else [])
        return self._choices[key]

    # -- resolution -----------------------------------------------------------------
    def resolve_path(self, text: str, source: str) -> tuple[str | None, str]:
        """(entity id, anchor) of a KB path, tried from the root, from the file, by base name."""
        path, _, anchor = text.partition("#")
        path = strip_note(path)
        for cand in (
            posixpath.normpath(path),
            posixpath.normpath(posixpath.join(posixpath.dirname(source), path)),
        ):
            if cand in self.by_path:
                return self.by_path[cand], anchor
        same = self.by_base.get(posixpath.basename(path), [])
        if len(same) == 1:
            return self.by_path[same[0]], anchor
        return None, anchor

    def resolve_name(self, text: str, kinds: tuple[str, ...] = ()) -> str | None:
        """An id, dotted registry ref, or name/alias → entity id (None when unknown/ambiguous)."""
        if text in self.kind_of:
            kind = self.kind_of[text]
            if not kinds or kind in kinds:
                return text
            for k in kinds:
                if (text, k) in self.by_kind_id:
                    return self.by_kind_id[(text, k)]
            if kind != "modality":
                return text
        if text in self.dotted:
            return self.dotted[text]
        ids = self.aliases.get(norm(strip_note(text)), [])
        return pick(ids, self.kind_of, kinds) or (pick(ids, self.kind_of) if kinds else None)

    def resolve(self, text: str, kinds: tuple[str, ...], source: str) -> tuple[str | None, str]:
        """(entity id or None, anchor) for any non-mention reference text."""
        if is_path_like(text) and not (text in self.kind_of or text in self.dotted):
            return self.resolve_path(text, source)
        return self.resolve_name(text, kinds), ""

    def _suggest_uncached(self, text: str, kinds: tuple[str, ...], path: bool) -> str | None:
        if path:
            # Only a near-identical file name in the same folder is a useful guess.
            text = text.split("#", 1)[0]
            folder, base = posixpath.split(posixpath.normpath(text))
            choices = self._by_folder.get(folder, {})
            best = process.extractOne(base, list(choices), scorer=fuzz.ratio, score_cutoff=85)
            return choices[best[0]] if best else None
        choices = self._id_choices(kinds, "." in text)
        best = process.extractOne(text, choices, scorer=fuzz.ratio, score_cutoff=81)
        if best:
            return best[0]
        longer = [c for c in choices if len(text) >= 4 and c.startswith(text)]
        return min(longer, key=len) if longer else None

    def suggest(self, text: str, kinds: tuple[str, ...], path: bool) -> str | None:
        """The closest known id / path / dotted ref, for "did you mean ...?" hints."""
        return self._suggest(text, kinds, path)

    # -- mentions -------------------------------------------------------------------
    def mentions(self, text: str) -> list[tuple[str, str]]:
        """(entity id, surface text) of every entity named in prose, longest match first."""
        spans = [(m.group(0).lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        toks = [s[0] for s in spans]
        out: list[tuple[str, str]] = []
        i = 0
        while i < len(toks):
            step = 1
            for n in self.sorted_lengths.get(toks[i], ()):
                if i + n > len(toks):
                    continue
                entries = self.trie.get(tuple(toks[i : i + n]))
                if not entries:
                    continue
                surface = text[spans[i][1] : spans[i + n - 1][2]]
                ids = [eid for eid, exact in entries if exact is None or exact == surface]
                chosen = pick(ids, self.kind_of)
                if chosen:
                    out.append((chosen, surface))
                    step = n
                    break
            i += step
        return out
