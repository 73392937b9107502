"""Entity and attribute linking: what a question names, read against the store's own words.

Entities by ids, names and aliases (exact after normalisation, plural-folded, by distinctive-
word overlap for long names, fuzzily for typos, by initials: "UKB fMRI" ~ "UK Biobank fMRI");
properties by kg.vocab names and synonyms plus `retrieval.lexicon` phrasings; values from
those the store holds; modalities by kg.vocab; kinds by kind words; numbers and superlatives
by `retrieval.quantities`. A `Linker` is built once per generation.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import accumulate

from rapidfuzz import fuzz, process

from kg.ir import KINDS
from kg.sql.models import normalise_key
from retrieval.kind_words import KIND_WORDS
from retrieval.lexical import STOPWORDS
from retrieval.lexicon import GENERIC, modality_words, property_phrases
from retrieval.links import EntityLink, Linked
from retrieval.name_forms import (
    SPELLED_OUT,
    abbreviated,
    coded,
    compound,
    ends_title_run,
    fold,
    hyphenated,
    known_by_initials,
    parenthesised,
    proper_names,
    spelled_key,
    unknown_versions,
    written_together,
)
from retrieval.quantities import quantities, superlative
from retrieval.question import (
    asked_span,
    in_sentence,
    name_like,
    stem,
    tokenize_question,
    us_spelling,
)
from retrieval.terms import (
    kind_near,
    link_kinds,
    link_modalities,
    link_properties,
    link_values,
    span_text,
    value_index,
)

MAX_NGRAM = 8
FUZZY_CUTOFF = 80.0
PARTIAL_MIN = 0.6
_WORD = re.compile(r"[^\W_]+")
_QWORDS = {"how", "many", "much", "what", "which", "who", "where", "when", "why", "does"}
_ORIGIN = {"id": 0, "name": 1, "alias": 2}

# Words that say what sort of thing is meant, not which one: never enough to name an entity.
_COMMON = {stem(w) for w in (*KIND_WORDS, *modality_words(), *GENERIC) if " " not in w}
_COMMON |= {"foundation", "fm"}


class Linker:
    """Links questions against one generation's entities and values.

    Args:
        entities: rows with id, kind, name and aliases (modality concepts are linked through
            kg.vocab instead).
        values: property -> stored values (raw and normalised) questions may filter by.
        known_word: whether a word occurs in the KB text; unknown ones are typos to
            fuzzy-match or names the KB lacks.
    """

    def __init__(
        self,
        entities: Iterable,
        values: dict[str, Iterable[str]] | None = None,
        known_word: Callable[..., bool] | None = None,
    ):
        self.entities = {e.id: e for e in entities if e.kind != "modality"}
        self.known_word = known_word
        self._keys: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        self._sets: list[tuple[frozenset[str], str]] = []
        df: dict[str, int] = defaultdict(int)
        for e in self.entities.values():
            kind_rank = KINDS.index(e.kind) if e.kind in KINDS else len(KINDS)
            names = [("id", e.id), ("name", e.name), *(("alias", a) for a in e.aliases)]
            forms = parenthesised(e.name) + abbreviated(e.name) + coded(e.name)
            names += [("alias", a) for a in forms]
            words_seen: set[str] = set()
            for origin, text in names:
                key = spelled_key(text)
                if len(key) < 2 or key in GENERIC or key in STOPWORDS:
                    continue
                for k in {key, fold(key)}:
                    entry = (_ORIGIN[origin], kind_rank, e.id)
                    if entry not in self._keys[k]:
                        self._keys[k].append(entry)
                full = frozenset(stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS)
                # Ids are file paths for docs and repeat the aliases for cards: names only.
                if origin != "id" and len(full) >= 2 and full - _COMMON:
                    self._sets.append((full, e.id))
                words_seen |= full
            for w in words_seen:
                df[w] += 1
        n = max(len(self.entities), 1)
        self._df = dict(df)
        self._idf = {w: math.log(1 + n / c) for w, c in df.items()}
        self._fuzzy_keys = [k for k in self._keys if len(k) >= 5 and not k.isdigit()]
        # "MURD" for `murd_t1_t2`: the first part of an id that no other id or name starts
        # or spells, matched only where the question writes it like a name.
        heads: dict[str, list[str]] = defaultdict(list)
        for e in self.entities.values():
            head = e.id.split("/")[-1].split("_")[0].lower()
            if len(head) >= 4 and head.isalpha() and head not in _COMMON and head not in STOPWORDS:
                heads[head].append(e.id)
        self._heads = {h: i[0] for h, i in heads.items() if len(i) == 1 and h not in self._keys}
        self._props = property_phrases()
        self._values = value_index(values or {}, self._props)

    def resolve(self, text: str) -> list[str]:
        """Ids of the entities whose id, name or alias is exactly `text` (normalised)."""
        key = spelled_key(text)
        if len(key) < 2 or key in GENERIC or key in STOPWORDS:
            return []
        hit = self._keys.get(key) or self._keys.get(fold(key)) or []
        return [c[2] for c in sorted(hit)]

    # -- the whole question -------------------------------------------------------------------
    def link(self, question: str) -> Linked:
        """Link every entity, property, value, modality, kind and number in `question`."""
        toks = tokenize_question(question)
        out = Linked(question, toks)
        used = [False] * len(toks)
        out.entities = self._exact(toks, used, question)
        out.entities += self._partial(toks, used, question)
        out.entities += self._fuzzy(toks, used, question)
        out.entities += self._id_heads(toks, used, question)
        out.kinds = link_kinds(toks, used, question)
        out.values = link_values(toks, used, question, self._values)
        in_value = {i for v in out.values for i in range(*v.span)}
        out.properties = [
            p
            for p in link_properties(toks, used, question, self._props)
            if not (p.weak and in_value & set(range(*p.span)))
        ]
        for p in [p for p in out.properties if compound(p, toks, used, _COMMON)]:
            out.properties.remove(p)
            used[p.span[0] : p.span[1]] = [False] * (p.span[1] - p.span[0])
        out.modality_spans = link_modalities(toks, used)
        out.modalities = list(dict.fromkeys(m for m, _ in out.modality_spans))
        skip = [(toks[a].start, toks[b - 1].end) for e in out.entities for a, b in [e.span]]
        skip += [(toks[a].start, toks[b - 1].end) for v in out.values for a, b in [v.span]]
        out.quantities = quantities(question, skip)
        out.superlative = superlative([t.low for t in toks])
        numbers = [(q.start, q.end) for q in out.quantities]
        for i, t in enumerate(toks):
            if used[i] or t.low in STOPWORDS or t.low in _QWORDS:
                continue
            in_number = any(a <= t.start < b for a, b in numbers)
            if name_like(t, in_sentence(question, t, i)) and not in_number:
                out.names.append(t.text)
                if not self._known(t.low):
                    out.unknown.append(t.text)
            out.words.append(t.stem)
        out.names += proper_names(toks, out)
        if self.known_word is not None:  # the vocabulary itself: two letters count here
            out.unknown = known_by_initials(out.unknown, toks, self.known_word)
            out.unknown += unknown_versions(question, self.known_word)
        out.asked = asked_span(toks)
        out.entities.sort(key=lambda e: e.span)
        return out

    def _known(self, word: str) -> bool:  # two letters ("GenerTeam's") are no unknown word
        short = word in STOPWORDS or word.isdigit() or len(word) < 3
        return self.known_word is None or short or self.known_word(word)

    _text = staticmethod(span_text)

    def _make(self, cands, toks, question, i, j, score, prefer: str | None) -> EntityLink:
        ranked = sorted(cands, key=lambda c: (self.entities[c[2]].kind != prefer, c[0], c[1]))
        ids = list(dict.fromkeys(c[2] for c in ranked))
        e = self.entities[ids[0]]
        return EntityLink(
            e.id, e.kind, e.name, self._text(question, toks, i, j), (i, j), score, tuple(ids[1:])
        )

    # -- entities -----------------------------------------------------------------------------
    def _exact(self, toks, used, question) -> list[EntityLink]:
        found = []
        for i in range(len(toks)):
            key = ""
            for j in range(i + 1, min(len(toks), i + MAX_NGRAM) + 1):
                key += us_spelling(toks[j - 1].low)
                hit = self._keys.get(key) or self._keys.get(fold(key))
                if hit and not (j - i == 1 and (toks[i].low in STOPWORDS or key in GENERIC)):
                    found.append((len(key), i, j, hit, key))
        out = []
        for _n, i, j, hit, key in sorted(found, key=lambda f: (-f[0], f[1])):
            if any(used[i:j]):
                continue
            if self._modifier(toks, i, j, hit) or self._generic_title(toks, i, j, hit):
                continue
            end, longer = self._extend(toks, used, i, j, [h[2] for h in hit])
            if longer is not None:
                hit, j = [(0, 0, longer)], end
            prefer = kind_near(toks, i, j, question)
            if prefer and all(self.entities[h[2]].kind != prefer for h in hit):
                hit = self._id_starting(key, prefer, toks, j) or hit
            used[i:j] = [True] * (j - i)
            out.append(self._make(hit, toks, question, i, j, 1.0, prefer))
        return out

    def _id_starting(self, key: str, kind: str, toks, j: int) -> list[tuple[int, int, str]]:
        """ "site-unlearning harmonization option": the one id of that kind whose first
        words are the name ("ComBat papers", "Ripple's strategy" are about or of them)."""
        if len(key) < 5 or toks[j - 1].low == "s" or any(t.low != t.stem for t in toks[j : j + 2]):
            return []
        hits = [x for x, e in self.entities.items() if e.kind == kind]
        hits = [x for x in hits if key in accumulate(x.lower().split("_")[:-1])]
        return [(0, 0, hits[0])] if len(hits) == 1 else []

    def _partial(self, toks, used, question) -> list[EntityLink]:
        """Long names written in part ("the CCA gene × sMRI experiment"), by rare-word overlap:
        two matched words more than kind or modality words, sitting together (one other word
        between at most); or one word written like a name that one entity's names contain."""
        content = [i for i, t in enumerate(toks) if t.low not in STOPWORDS]
        where: dict[str, list[int]] = defaultdict(list)
        for p, i in enumerate(content):
            if not used[i]:
                where[toks[i].stem].append(p)
                for w in SPELLED_OUT.get(toks[i].stem, ()):  # "fMRI" in "… functional MRI"
                    where[w].append(p)
        idf = self._idf
        best: dict[str, tuple[float, float, list[int]]] = {}
        for full, eid in self._sets:
            strong = [w for w in full if w in where and w not in _COMMON]
            if not strong:
                continue
            # A word written twice ("ROI dataset … how many ROIs") counts where it sits
            # nearest the name's rarest word.
            anchor = where[max(strong, key=lambda w: (idf.get(w, 1.0), w))][0]  # ties: by word
            pos = {w: min(where[w], key=lambda p: abs(p - anchor)) for w in full if w in where}
            pos = written_together(pos, toks, content, used, question, idf)
            strong = [w for w in strong if w in pos]
            hits = sorted(pos.values())
            # Words between the matched ones, other names aside ("UK Biobank and HCP Young
            # Adult resting-state fMRI runs": the fMRI runs of both).
            between = [
                p
                for p in range(hits[0], hits[-1] + 1)
                if p not in hits
                and not used[content[p]]
                and not hyphenated(question, toks, content[p])  # "resting-state": one word
            ]
            if len(between) > 1 or not strong:
                continue
            mass = sum(idf.get(w, 1.0) for w in sorted(pos))  # sorted: one float sum
            cover = mass / sum(idf.get(w, 1.0) for w in sorted(full))
            if cover < PARTIAL_MIN and self._written_as_name(toks, content, pos, full):
                cover = PARTIAL_MIN
            if len(strong) == 1:
                i = content[pos[strong[0]]]
                t = toks[i]
                at = in_sentence(question, t, i)  # "… first. Under what …": no name
                lower = sum(c.islower() for c in t.text)
                # "built on Mamba blocks": a stored value (a tag) is no title's word
                if self._df.get(strong[0]) != 1 or not name_like(t, at) or 2 * lower < len(t.text):
                    continue
                if normalise_key(t.text) in self._values:
                    continue
                cover = min(cover, 0.5)
            elif cover < PARTIAL_MIN:
                continue
            kind = kind_near(toks, content[hits[0]], content[hits[-1]] + 1, question)
            if kind is not None and kind != self.entities[eid].kind:
                continue  # "the ABCD dataset" is not the ABCD pipeline
            if (cover, mass) > best.get(eid, (0.0, 0.0, []))[:2]:
                best[eid] = (cover, mass, [content[h] for h in hits])
        out = []
        # Ties go to cards over docs of the same name (a recipe card and its write-up).
        ranked = sorted(
            best.items(),
            key=lambda kv: (-kv[1][0], -kv[1][1], self.entities[kv[0]].kind == "doc", kv[0]),
        )
        for eid, (cover, _mass, hits) in ranked:
            if any(used[k] for k in hits):
                continue
            for k in hits:
                used[k] = True
            i, j = hits[0], hits[-1] + 1
            e, text = self.entities[eid], self._text(question, toks, i, j)
            out.append(EntityLink(e.id, e.kind, e.name, text, (i, j), 0.6 + 0.3 * cover))
        return out

    def _generic_title(self, toks, i: int, j: int, hit) -> bool:
        """A doc titled with kind words only ("Experiment Configs") is not what "which
        experiment configs …" names: those words name the kind."""
        return all(toks[x].stem in _COMMON for x in range(i, j)) and all(
            self.entities[h[2]].kind == "doc" for h in hit
        )

    def _written_as_name(self, toks, content, pos, full) -> bool:
        """Two capitalised words in a row ("Cha Hospital"), one of them in no other entity's
        names, identify the entity even when the rest of its name is paraphrased."""
        caps = sorted(
            p
            for w, p in pos.items()
            if w not in _COMMON and toks[content[p]].text[:1].isupper() and content[p] > 0
        )
        pairs = [
            (a, b)
            for a, b in zip(caps, caps[1:], strict=False)
            if b == a + 1
            and 1 in (self._df.get(toks[content[a]].stem), self._df.get(toks[content[b]].stem))
        ]
        return bool(pairs) and len(full) <= 6

    def _modifier(self, toks, i: int, j: int, hit) -> bool:
        """A name of common words before a kind word of another kind ("genetics embedding
        strategy") describes that kind; it does not name the entity."""
        kind = KIND_WORDS.get(toks[j].stem) if j < len(toks) else None
        if kind is None:
            return False
        if all(toks[x].stem in _COMMON for x in range(i, j)):
            return True  # "genomic benchmark datasets": only kind and modality words
        if any(self.entities[h[2]].kind == kind for h in hit):
            return False
        # Lower-case common words ("genetics embedding strategy") describe; names are written
        # as names ("Caduceus paper").
        return all(toks[x].text.islower() or toks[x].stem in _COMMON for x in range(i, j))

    def _extend(self, toks, used, i: int, j: int, ids: list[str]) -> tuple[int, str | None]:
        """A name followed by a word of a longer name ("Caduceus walkthrough") means that one."""
        k = j
        while k < len(toks) and toks[k].low in STOPWORDS:
            k += 1
        if k >= len(toks) or used[k]:
            return j, None
        kind = KIND_WORDS.get(toks[k].stem)
        if kind is not None and any(self.entities[x].kind == kind for x in ids):
            return j, None  # "DNABERT-2 models": the kind word picks the model, not a title
        words = {toks[x].stem for x in range(i, j)} | {toks[k].stem}
        for full, eid in self._sets:
            if words <= full and eid not in ids:
                return k + 1, eid
        return j, None

    def _id_heads(self, toks, used, question) -> list[EntityLink]:
        out = []
        for i, t in enumerate(toks):
            eid = self._heads.get(t.low)
            at = in_sentence(question, t, i)
            if eid is None or used[i] or not name_like(t, at) or t.text.islower():
                continue
            if ends_title_run(toks, used, i):
                continue
            used[i] = True
            e = self.entities[eid]
            out.append(EntityLink(e.id, e.kind, e.name, t.text, (i, i + 1), 0.8))
        return out

    def _fuzzy(self, toks, used, question) -> list[EntityLink]:
        """Typos: words the KB never uses, matched to the closest entity name."""
        if self.known_word is None:
            return []
        out = []
        for n in (3, 2, 1):
            for i in range(len(toks) - n + 1):
                j = i + n
                span = toks[i:j]
                if any(used[i:j]) or not all(t.text.isalnum() for t in span):
                    continue
                if not any(t.text.isalpha() and not self._known(t.low) for t in span):
                    continue
                if any(t.stem in _COMMON for t in span):
                    continue  # kind and modality words are no typos of names
                key = "".join(t.low for t in span)
                if len(key) < 5:
                    continue
                hit = process.extractOne(
                    key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
                )
                if hit is None:
                    continue
                used[i:j] = [True] * n
                score = 0.9 * hit[1] / 100
                out.append(self._make(self._keys[hit[0]], toks, question, i, j, score, None))
        return out
