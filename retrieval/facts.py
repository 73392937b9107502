"""Facts for answers: `Fact` is one statement the answer makes, with the place it comes from;
the functions here pick an entity's attributes by property or by the words of the question
(matched against YAML paths and values)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, partial

from ingest.normalize import is_null
from kg.compare import property_cell
from kg.ir import Attribute
from kg.vocab import PROPERTIES
from retrieval.lexical import STOPWORDS
from retrieval.lexicon import KEY_SYNONYMS, STATED_IN_PROSE
from retrieval.quantities import quantities
from retrieval.question import stem
from retrieval.value_text import value_text
from retrieval.value_units import UNIT_PATTERNS

_PATH_WORD = re.compile(r"[a-z]+|\d+")
_TEXT_WORD = re.compile(r"[^\W_]+")
_LIST_ITEM = re.compile(r"^(.*)\[\d+\]$")


@dataclass(slots=True)
class Fact:
    """One statement of an answer: `label` of `entity` is `text`, read at source:lines."""

    entity: str
    label: str
    text: str
    source: str
    lines: tuple[int, int]
    quote: str = ""
    conflict: bool = False
    others: tuple[Fact, ...] = ()  # competing values from other sources (conflicts)


def attr_fact(a: Attribute, label: str | None = None) -> Fact:
    """A fact from an attribute: raw text, plus the normalised value when it reads differently."""
    raw = " ".join(str(a.raw).split())
    lab = label or _label(a)
    return Fact(
        a.entity, lab, value_text(a), a.prov.source, (a.prov.line_start, a.prov.line_end), raw
    )


def _label(a: Attribute) -> str:
    if a.property and a.property in PROPERTIES:
        return PROPERTIES[a.property]["label"].lower()
    if f".{a.entity}." in a.path:  # a registry member: its own key is the row already
        return a.path.split(f".{a.entity}.", 1)[1]
    return a.path


def plural(kind: str) -> str:
    """'strategy' -> 'strategies', 'model' -> 'models'."""
    return kind[:-1] + "ies" if kind.endswith("y") else kind + "s"


def list_parent(path: str) -> str | None:
    """`methods.models_used[1]` -> `methods.models_used`; None for a non-list path."""
    m = _LIST_ITEM.match(path)
    return m.group(1) if m else None


def path_words(path: str, eid: str = "") -> set[str]:
    """Stemmed words of a YAML path (`counts.subjects` -> {count, subject}); for a registry
    member, only the part below its own key (`strategies.<id>.projector.dim` -> {projector, dim})."""
    if eid and f".{eid}." in path:
        path = path.split(f".{eid}.", 1)[1]
    return {stem(w) for w in _PATH_WORD.findall(path.lower().replace("_", " "))}


def key_heads(path: str) -> set[str]:
    """The words a field is named for, qualifiers aside: `counts.frames_per_subject` ->
    {frame} (it counts frames; "per subject" says of what)."""
    last = re.sub(r"\[\d+\]", "", path.lower()).rsplit(".", 1)[-1]
    words = _PATH_WORD.findall(last.replace("_", " "))
    if "per" in words:
        words = words[: words.index("per")]
    return {stem(w) for w in words}


def key_word(w: str, keys: set[str]) -> bool:
    """Whether a question word names a field whose key has `keys` ("TR" ~ `repetition_time`)."""
    return has_word(w, keys, True) or any(k in keys for k in KEY_SYNONYMS.get(w, ()))


_URL_PARTS = {"com", "org", "net", "www", "edu", "gov", "htm", "html", "http", "https"}


@lru_cache(maxsize=262144)  # pure; the same pairs recur across units and questions
def same_word(q: str, w: str, abbrev: bool = False) -> bool:
    """Whether a question word and a KB word are the same word: equal, sharing a long enough
    stem ("parcellation" ~ "parcellated", "filtering" ~ "filter"), or, for YAML keys
    (`abbrev`), the key abbreviating it ("dim" ~ "dimension")."""
    if q == w:
        return True
    n = 0
    for a, b in zip(q, w, strict=False):
        if a != b:
            break
        n += 1
    if n >= 4 and n >= min(len(q), len(w)) - 2:  # "compare" is no "complement"
        return True
    if w in _URL_PARTS:
        return False  # the "com" of a URL abbreviates no "compared"
    return (abbrev or w not in STOPWORDS) and len(w) >= 3 and w.isalpha() and q.startswith(w)


def has_word(q: str, words: set[str], abbrev: bool = False) -> bool:
    """Whether `q` matches any of `words` (see `same_word`)."""
    return q in words or any(same_word(q, w, abbrev) for w in words)


def text_words(text: str) -> set[str]:
    """Stemmed words of a value or sentence."""
    return {stem(w.lower()) for w in _TEXT_WORD.findall(str(text))}


def own(attrs: list[Attribute], source: str, prefer_docs: bool = False) -> list[Attribute]:
    """The entity's own card facts (or, asked about its docs, the doc facts) first."""
    if prefer_docs:
        docs = [a for a in attrs if a.prov.source.endswith(".md")]
        if docs:
            return docs + [a for a in attrs if a not in docs]
    mine = [a for a in attrs if a.prov.source == source]
    return mine + [a for a in attrs if a.prov.source != source]


_NUMERIC = ("integer", "decimal")
SHORT_VALUE = 12  # words: longer values are prose


def _readable(a: Attribute) -> bool:
    return a.value is not None


def property_facts(
    prop: str, attrs: list[Attribute], source: str, prefer_docs: bool = False
) -> list[Fact]:
    """The value(s) of one canonical property: primary first, conflicting sources attached."""
    ordered = [a for a in own(attrs, source, prefer_docs) if not is_null(str(a.raw))]
    if any(_readable(a) for a in ordered if a.datatype in _NUMERIC):
        # "Long-range" in a doc table is no context length beside a card's 131072.
        ordered = [a for a in ordered if a.datatype not in _NUMERIC or _readable(a)]
    cell = property_cell(prop, ordered)
    if cell.missing:
        return _stated_in_prose(prop, ordered, source) or _under_key_synonym(prop, ordered, source)
    by_key = {(a.prov.source, a.prov.line_start, " ".join(str(a.raw).split())): a for a in attrs}
    facts, chosen = [], []
    for cv in cell.distinct():
        a = by_key.get((cv.source, cv.line, cv.raw))
        if a is not None:
            facts.append(attr_fact(a, PROPERTIES[prop]["label"].lower()))
            chosen.append(a)
    if not facts:
        return []
    mine = [a for a in chosen if a.prov.source == source]
    parents = {list_parent(a.path) for a in mine}
    if len(mine) >= 2 and len(parents) == 1 and None not in parents:
        # The card lists them ("authors: [...]"): one fact in the card's order, so "the
        # last author" is there too.
        return [_list_fact(mine)]
    mine = [f for f in facts if f.source == source] or facts
    if prefer_docs:
        mine = [f for f in facts if f.source.endswith(".md")] or mine
    head = mine[0]
    if cell.conflict or len(facts) > 1:
        head.conflict = cell.conflict
        head.others = tuple(f for f in facts if f is not head)
    rest = [f for f in mine[1:] if f.text != head.text][:2]
    return [head, *rest]


def _stated_in_prose(prop: str, attrs: list[Attribute], source: str) -> list[Fact]:
    """A property the card has no field for, stated in one of its prose fields: the
    sentence that states it ("Apache-2.0 license." in `restrictions`)."""
    pattern = STATED_IN_PROSE.get(prop)
    if pattern is None:
        return []
    for a in attrs:
        if a.prov.source != source or not isinstance(a.raw, str):
            continue
        for sentence in re.split(r"(?<=[.;])\s+", " ".join(a.raw.split())):
            if pattern.search(sentence):
                label = PROPERTIES[prop]["label"].lower()
                lines = (a.prov.line_start, a.prov.line_end)
                return [
                    Fact(a.entity, f"{label} (in {_label(a)})", sentence, source, lines, sentence)
                ]
    return []


def _under_key_synonym(prop: str, attrs: list[Attribute], source: str) -> list[Fact]:
    """A property the card has no field for, under a key meaning the same for its kind (a
    dataset's size, asked as "how big", is its `counts`)."""
    keys = set(KEY_SYNONYMS.get(prop, ()))
    hits = [a for a in attrs if a.prov.source == source and keys & path_words(a.path)]
    return [attr_fact(a) for a in hits[:3]]


_LABELLED_NUMBER = re.compile(r"\b([A-Za-z]{3,})\s*(?:#|no\.?|number)?\s*\d{3,}\b")
_EMPTY = ("[]", "{}")  # "weights.huggingface: []" lists none
_CODE = re.compile(r"^\s*(python|torchrun|bash|pip|#)\b|\s--[a-z]", re.I | re.M)
# A number and the word it counts ("335,645 WSIs", "182k reports", "a 28-task benchmark").
_MULTIPLIER = r"(?:k|m|b|thousand|million|billion)?"
_COUNTED = re.compile(rf"\d[\d,._]*\s*{_MULTIPLIER}[\s-]+([A-Za-z][\w-]*)", re.I)


def counted_words(text: str) -> set[str]:
    """The words a value counts ("424 parcels; …" -> {"parcel"}): a count stated as a key
    would state it."""
    return {stem(x.lower()) for x in _COUNTED.findall(str(text))}


def word_facts(
    asked: list[str],
    words: list[str],
    attrs: list[Attribute],
    source: str,
    limit: int = 3,
    extra: list[str] = (),
    substitutes: list[str] = (),
    keys_only: bool = False,
    numeric: bool = False,
    parts: bool = True,
    phrases: list[list[str]] = (),
) -> list[tuple[float, Fact]]:
    """Attributes whose YAML key or value shares the question's words, best first.

    Args:
        asked: words naming what is asked ("learning rate"): 60 % of the score.
        words: the question's other content words: 40 % (all of it without `asked`).
        attrs, source: the entity's attributes and its card (whose facts come first).
        limit: how many facts to return (a list's items count as one fact).
        extra: words that only break ties (verbs such as "intended").
        substitutes: key words that stand for what is asked ("reference" for a paper).
        keys_only: count words found in keys only (a note mentioning "licence" does not
            state a licence).
        numeric: only attributes holding a number (for "how many" questions).
        parts: whether the question may ask several things, answered by several fields
            together; "weight decay" is one thing, not "weight" plus "decay".
        phrases: the question's asked phrases in full ("whole slide image"), whose initials
            a value may write instead ("WSIs").

    Returns:
        (score 0..1, fact) pairs; a word found in the key counts fully, in the value half.
    """
    asked = [w for w in dict.fromkeys(asked) if len(w) > 1]
    words = [w for w in dict.fromkeys(words) if len(w) > 1 and w not in asked]
    extra = [w for w in dict.fromkeys(extra) if len(w) > 1 and w not in asked + words]
    if not (asked or words or extra or substitutes):
        return []
    scored = []
    short = {k: v for p in [asked, words, *phrases] for k, v in initialisms(p).items()}
    for a in own(attrs, source):
        if a.path == "id" or is_null(str(a.raw)) or (numeric and number_of(a) is None):
            continue
        pw, tw = path_words(a.path, a.entity), set() if keys_only else text_words(a.raw)
        # "whole-slide images" are the value's "WSIs": the run of words is there, shortened.
        tw |= {w for ini, run in short.items() if ini in tw for w in run}
        if numeric:
            # "How many whole-slide images …": "335,645 WSIs" counts them as a key would.
            counted = counted_words(a.raw)
            pw = pw | {w for w in asked if w in counted}
            pw = pw | {w for ini, run in short.items() if ini in counted for w in run}
        if not keys_only:
            # "Project 33278" in a value states the project number as a key would.
            labels = {stem(x.lower()) for x in _LABELLED_NUMBER.findall(str(a.raw))} & set(asked)
            pw = pw | labels | ({"number", "id"} if labels else set())
        m = partial(_match, pw=pw, tw=tw, raw=str(a.raw))
        # One count asked ("how many bootstrap resamples"), a key counting it (`n_bootstrap`).
        counts = numeric and not parts and _count_key(a.path, asked)
        if numeric and asked and not parts and not (m(asked[-1]) or counts):
            continue  # "how many GPU <hours>": a number of something else is no answer
        part_a = sum(map(m, asked)) / len(asked) if asked else 0.0
        if counts or any(has_word(w, pw, True) for w in substitutes):
            part_a = 1.0
        if asked and not part_a and _CODE.search(str(a.raw)):
            continue  # a command run "to train" states no value asked of training
        part_o = sum(map(m, words)) / len(words) if words else 0.0
        if (asked or substitutes) and words:
            score = 0.6 * part_a + 0.4 * part_o
        else:
            score = part_a if asked or substitutes else part_o
        score += min(0.15, 0.05 * sum(m(w) > 0 for w in extra))
        if str(a.raw).strip() in _EMPTY:
            score /= 2  # a field with a value says more
        if score > 0:
            scored.append((score + (0.01 if a.prov.source == source else 0), a))
    scored.sort(key=lambda sa: -sa[0])
    out, seen, chosen = [], set(), []
    keyed: set[str] = set()  # asked words the chosen fields' keys hold
    for score, a in scored:
        key = (a.prov.source, a.prov.line_start)
        kh = key_heads(a.path)
        # A field named for an asked word no chosen field names answers another part
        # of the question ("what filter band … and which parcellation").
        new_part = any(key_word(w, kh) for w in asked if w not in keyed)
        if key in seen or (score < scored[0][0] * 0.6 and not (chosen and new_part)):
            continue
        keyed |= {w for w in asked if key_word(w, kh)}
        parent = list_parent(a.path)
        items = [b for b in attrs if parent and list_parent(b.path) == parent] or [a]
        seen.update((b.prov.source, b.prov.line_start) for b in items)
        out.append((min(score, 1.0), _list_fact(items) if len(items) > 1 else attr_fact(a)))
        chosen.append(a)
        if len(out) >= limit:
            break
    if len(chosen) > 1 and asked and parts:
        # "How many permutations and how many components?": each field answers one part,
        # together they answer the question.
        joint = _joint(asked, words, chosen, keys_only)
        out[0] = (max(out[0][0], min(joint, 1.0)), out[0][1])
    return out


_COUNT_KEY = re.compile(r"(?:^|[._])(?:n|num|number)_([a-z]+)$|(?:^|[._])([a-z]+)_count$")


def _count_key(path: str, asked: list[str]) -> bool:
    """A key that counts an asked word's thing ("how many bootstrap resamples":
    `n_bootstrap`; `site_count` for "how many sites")."""
    m = _COUNT_KEY.search(path.lower())
    return bool(m) and any(same_word(w, stem(m.group(1) or m.group(2))) for w in asked)


def initialisms(words: list[str]) -> dict[str, tuple[str, ...]]:
    """Runs of three or four words in a row ("whole slide image") by their initials ("wsi"),
    the way a value may shorten them. Two letters would match too many short words."""
    out = {}
    for n in (3, 4):
        for i in range(len(words) - n + 1):
            run = tuple(words[i : i + n])
            if all(w.isalpha() for w in run):
                out["".join(w[0] for w in run)] = run
    return out


def _joint(asked: list[str], words: list[str], attrs: list[Attribute], keys_only: bool) -> float:
    """How well several attributes together cover the asked (60 %) and other words (40 %):
    each word counts by its best match among them."""
    ms = [
        partial(
            _match,
            pw=path_words(a.path, a.entity),
            tw=set() if keys_only else text_words(a.raw),
            raw=str(a.raw),
        )
        for a in attrs
    ]
    part_a = sum(max(m(w) for m in ms) for w in asked) / len(asked)
    if not words:
        return part_a
    return 0.6 * part_a + 0.4 * sum(max(m(w) for m in ms) for w in words) / len(words)


def _match(w: str, pw: set[str], tw: set[str], raw: str = "") -> float:
    """1 when a word is in the key, 0.5 when only in the value (or the value carries a unit
    of what the word asks for: "frequency" ~ "0.01-0.1 Hz"), else 0."""
    if key_word(w, pw):
        return 1.0
    unit = UNIT_PATTERNS.get(w)
    if has_word(w, tw) or (unit is not None and unit.search(raw)):
        return 0.5
    return 0.0


def _list_fact(items: list[Attribute]) -> Fact:
    """The items of one YAML list as one fact ("models used: Caduceus; DNABERT-2")."""
    first = attr_fact(items[0])
    label = first.label.rsplit("[", 1)[0]
    text = "; ".join(" ".join(str(b.raw).split()) for b in items)
    lines = (min(b.prov.line_start for b in items), max(b.prov.line_end for b in items))
    return Fact(first.entity, label, text, first.source, lines, text)


def number_of(a: Attribute) -> float | None:
    """An attribute's numeric value (normalised, else the first number in its text)."""
    if isinstance(a.value, int | float) and not isinstance(a.value, bool):
        return float(a.value)
    found = quantities(str(a.raw))
    return found[0].value if found else None
