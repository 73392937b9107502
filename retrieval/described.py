"""Entities described instead of named: "GenerTeam's DNA language model", "the fMRI model
whose tokens come from a Schaefer-400 plus Tian-50 parcellation", "Dinsdale et al.'s
adversarial unlearning paper".

A singular kind word that no name stands beside, and that is not what the question asks
for, opens a description: the words before it back to its determiner, and a clause after
it that starts with a relative word ("whose", "with", "relating" …) or a contact clause
("the model the KB uses as …") up to the next clause break. Every card of that kind is scored by the rarity-weighted share of those words its
own text holds (name, aliases, values, authors, links), a word of its name counting double.
A card that clearly outscores all others (or, where many hold all the words, whose name
clearly holds most; or the only one holding all of three words or more) and shares two
words or more stands for the description. "That corpus"
and "its paper" refer back and describe nothing. A plural kind word after a list ("the sMRI
FreeSurfer, BrainLM fMRI and Caduceus gene strategies") makes each unnamed item a
description of one entity."""

from __future__ import annotations

import math
import re

from retrieval.asked import negated_tokens
from retrieval.facts import text_words
from retrieval.fillers import FILLER
from retrieval.kind_words import KIND_WORDS
from retrieval.lexical import STOPWORDS
from retrieval.lexicon import GENERIC
from retrieval.links import EntityLink, Linked
from retrieval.name_forms import hyphenated, spelled_runs

# Words that open a description's trailing clause: "the model <whose> tokens …", "the
# patterns <we> track use …" (a contact clause; more in `_opens_clause`).
_RELATIVE_WORDS = (
    "whose we that with from behind relating linking using trained pretrained built "
    "introduced proposed released developed published where on about for"
)
_RELATIVE = set(_RELATIVE_WORDS.split())
_CONTACT_SUBJECTS = {"kb", "project", "team", "pipeline", "catalogue", "catalog"}
_ANY_OTHER = {"different", "another", "other", "alternative", "alternatives", "new", "some"}
_ANAPHORIC = {"this", "that", "these", "those", "its", "their", "it", "same"}
# Words that close a description on the left ("… train <the> Mahmood lab's … model").
_OPENERS = {"the", "a", "an", "of", "in", "for", "does", "did", *_ANAPHORIC}
# Words that end a trailing clause: a new clause or question starts.
_CLOSER_WORDS = "and but what which how who when is was are were does did do has have had"
_CLOSERS = set(_CLOSER_WORDS.split())
_BREAK = re.compile(r"[,;:?!()]|\.\s")  # not "al.'s"
MIN_SHARE = 0.45  # of the description's word weight the best card must hold
MIN_LEAD = 1.5  # how many times the runner-up's score the best card must reach
MAX_WORDS = 14
# "the … card names one dataset": words about cards, describing none.
_CARD_WORDS = {"card", "cards", "names", "lists"}


def resolve_descriptions(linked: Linked, view) -> None:
    """Add an entity link for every description one card clearly fits (in place). A
    description two cards fit equally is read again once the others are resolved: "the
    embedding prediction baselines config versus the tabular FM baselines config" names two
    different configs."""
    _shared_heads(linked)
    pending = _descriptions(linked, view)
    claimed: set[str] = set()
    for _ in range(2):
        for d in list(pending):
            kind, span, words, spelled = d
            eid = _best_card(view, kind, words, claimed, spelled)
            head = linked.tokens[span[1] - 1].stem  # "benchmark" among datasets
            eid = eid or _through_related(view, kind, head, words, claimed, spelled)
            if eid is not None:
                pending.remove(d)
                claimed.add(eid)
                _link(linked, view, eid, kind, span)
        if not claimed:
            break
    linked.entities.sort(key=lambda e: e.span)


def _shared_heads(linked: Linked) -> None:
    """ "the Caduceus gene recipe, the FreeSurfer sMRI recipe and …": a noun written right
    after a name of some kind is, elsewhere in the question, a word for that kind (in place)."""
    toks = linked.tokens
    heads: dict[str, str] = {}
    starts = {a for _, (a, _) in linked.kinds}
    for e in linked.entities:
        b = e.span[1]
        if b >= len(toks) or b in starts or not toks[b].low.isalpha():
            continue
        if b + 1 < len(toks) and hyphenated(linked.question, toks, b + 1):
            continue  # "Caduceus masked-language-model pretraining": a compound, no head
        if toks[b].low not in STOPWORDS and toks[b].stem not in KIND_WORDS:
            heads[toks[b].stem] = e.kind
    named = {i for e in linked.entities for i in range(e.span[0], e.span[1] + 1)}
    for i, t in enumerate(toks):
        if t.stem in heads and i not in named and i not in starts:
            linked.kinds.append((heads[t.stem], (i, i + 1)))
    linked.kinds.sort(key=lambda kp: kp[1])


def _descriptions(linked: Linked, view) -> list[tuple]:
    """(kind, (kind word start, end, description start, end), words, spelled) of each
    description; `spelled` maps the initials of its capitalised runs to their words."""
    toks = linked.tokens
    used = {i for e in linked.entities for i in range(*e.span)}
    asked = set(linked.asked)
    negated = negated_tokens(linked)
    out = []
    for kind, (a, b) in list(linked.kinds):
        if kind == "doc" or not view.by_kind.get(kind) or a in asked or a in used:
            continue
        # "one of the fusion patterns we track uses …": one member, described.
        one_of = any(
            toks[i].low == "one" and toks[i + 1].low == "of" for i in range(max(0, a - 4), a - 1)
        )
        if toks[b - 1].low != toks[b - 1].stem and not one_of:
            # "models": a list of a kind, not one described entity, unless the list is
            # written out ("the sMRI FreeSurfer, BrainLM fMRI and Caduceus gene strategies").
            for lo, hi in _conjuncts(linked, a, used):
                words = _words(toks[lo:hi])
                spelled = spelled_runs(linked.question[toks[lo].start : toks[hi - 1].end])
                if words:
                    out.append((kind, (a, b, lo, hi), words, spelled))
            continue
        if a > 0 and a - 1 in used:
            continue  # "the Caduceus model": named
        if b < len(toks) and _modifies(linked, b):
            continue  # "the tabular FM baselines config": the kind word is no head here
        lo, hi = _extent(linked, a, b, used)
        if lo > 0 and toks[lo - 1].low in _ANAPHORIC:
            continue  # "that corpus", "its paper": refers back, describes nothing new
        if any(t.low in _ANY_OTHER for t in toks[lo:a]):
            continue  # "a different brain model": any other one, no particular card
        if a in negated:
            continue  # "instead of training a joint early-fusion model": no card meant
        if hi < len(toks) and hi in used:
            continue  # "the model pretrained on OpenGenome2": a relation to a named entity
        start, end = toks[lo].start, toks[hi - 1].end
        if any(
            start <= q.start < end and not _in_name(linked.question, q.start)
            for q in linked.quantities
        ):
            continue  # "the dataset with 45,000 subjects": a condition, planned as one
        if any(
            t.stem in KIND_WORDS and toks[x + 1].low == "s" for x, t in enumerate(toks[lo:a], lo)
        ):
            continue  # "that benchmark's dataset": another kind's, reached by a hop
        words = _words(toks[lo:a] + toks[b:hi])
        # "UK Biobank" in a description fits a card that writes "UKB".
        spelled = spelled_runs(linked.question[toks[lo].start : toks[hi - 1].end])
        if words and len(words) <= MAX_WORDS:
            out.append((kind, (a, b, lo, hi), words, spelled))
            used |= set(range(lo, hi))
    return out


def _words(toks) -> list[str]:
    """The describing words: content words that name no kind."""
    return [
        t.stem
        for t in toks
        if len(t.low) > 1
        and t.low not in STOPWORDS | GENERIC | _CARD_WORDS
        and t.stem not in KIND_WORDS
        and t.stem not in FILLER
    ]


def _conjuncts(linked: Linked, a: int, used: set[int]) -> list[tuple[int, int]]:
    """The unnamed items of a list written before a plural kind word at `a` ("the <sMRI
    FreeSurfer>, BrainLM fMRI and Caduceus gene strategies"): token ranges [lo, hi) of
    the items no link covers, when there are two items or more."""
    toks, q = linked.tokens, linked.question
    items, hi, k = [], a, a - 1

    def item_article(k: int) -> bool:
        # "…, the FreeSurfer sMRI and the BrainLM fMRI strategies": an article opening a
        # conjunct, not the list.
        before = q[toks[k - 1].end : toks[k].start] if k > 0 else ""
        return (
            toks[k].low == "the" and k > 0 and (toks[k - 1].low in ("and", "or") or "," in before)
        )

    while k >= 0 and (toks[k].low not in _OPENERS or item_article(k)) and a - k <= 16:
        if toks[k].low in ("and", "or"):
            items.append((k + 1, hi))
            hi = k
        elif "," in q[toks[k].end : toks[k + 1].start]:
            items.append((k + 1, hi))
            hi = k + 1
        k -= 1
    items.append((k + 1, hi))
    items = [(lo, hi) for lo, hi in items if lo < hi]
    if len(items) < 2:
        return []
    # Items that are names describe nothing; nor, in a list naming no entity, do items of
    # only modality words ("pathology, radiology and clinical-text datasets": conditions).
    named = [it for it in items if set(used) & set(range(*it))]
    read = {i for _, sp in linked.modality_spans for i in range(*sp)}
    return [it for it in items if it not in named and (named or not set(range(*it)) <= read)]


def _link(linked: Linked, view, eid: str, kind: str, span: tuple[int, int, int, int]) -> None:
    a, b, lo, hi = span
    toks = linked.tokens
    text = linked.question[toks[lo].start : toks[hi - 1].end]
    if all(e.id != eid for e in linked.entities):  # else already named ("the X-based model")
        linked.entities.append(EntityLink(eid, kind, view.name(eid), text, (lo, hi), 0.75))
    # Kind words inside it describe ("the tabular FM baselines config"): no kind asked.
    linked.kinds = [(k, sp) for k, sp in linked.kinds if sp == (a, b) or not lo <= sp[0] < hi]
    # The description's words name the entity: they are no longer asked or required.
    for t in toks[lo:hi]:
        if t.stem in linked.words:
            linked.words.remove(t.stem)
    # … and a version number in it ("StripedHyena 2") is no quantity asked of anything.
    start, end = toks[lo].start, toks[hi - 1].end
    linked.quantities = [q for q in linked.quantities if not start <= q.start < end]


def _modifies(linked: Linked, b: int) -> bool:
    """Whether a kind word modifies a later one ("the tabular FM baselines <config>")."""
    toks, q = linked.tokens, linked.question
    for k in range(b, min(b + 2, len(toks))):
        if _BREAK.search(q[toks[k - 1].end : toks[k].start]) or toks[k].low in STOPWORDS:
            return False
        if any(span[0] == k for _, span in linked.kinds):
            return True  # a kind word the linker read as one ("benchmarks a …" is a verb)
    return False


_VERSIONED = re.compile(r"(?:[A-Z][a-z]+[A-Z]\w*|[A-Z]{2,}\w*)[ -]$")


def _in_name(question: str, at: int) -> bool:
    """A number written onto a word ("Schaefer-400"), or a short version number after a
    name written in capitals or CamelCase ("StripedHyena 2", "LLaMA 2"), is part of a
    name, not a quantity."""
    if at >= 2 and question[at - 1] == "-" and question[at - 2].isalpha():
        return True
    number = re.match(r"\d+", question[at:])
    return bool(number and len(number.group()) <= 2 and _VERSIONED.search(question[:at]))


def _opens_clause(toks, b: int) -> bool:
    """A relative word follows the kind word, or "the KB …" starting a contact clause, or
    "in the KB" before one ("the only fMRI model in the KB designed to …")."""
    low, nxt = (toks[b + k].low if b + k < len(toks) else "" for k in (0, 1))
    in_kb = low == "in" and [t.low for t in toks[b + 1 : b + 3]] == ["the", "kb"]
    return low in _RELATIVE or (low == "the" and nxt in _CONTACT_SUBJECTS) or in_kb


def _extent(linked: Linked, a: int, b: int, used: set[int]) -> tuple[int, int]:
    """The token range [lo, hi) of the description around the kind word at [a, b)."""
    toks, q = linked.tokens, linked.question
    lo = a
    while lo > 0 and lo - 1 not in used and toks[lo - 1].low not in _OPENERS:
        if _BREAK.search(q[toks[lo - 1].end : toks[lo].start]):
            break
        lo -= 1
    hi = b
    if (
        b < len(toks)
        and _opens_clause(toks, b)
        and not _BREAK.search(q[toks[b - 1].end : toks[b].start])
    ):
        hi = b + 1
        starts = {span[0] for k, span in linked.kinds if k != "doc"}
        # "that was released with …": a verb opening the clause belongs to it.
        # "whose pretraining DNA <was> drawn from …": a whose-clause has its own verb.
        whose = {"is", "was", "are", "were"} if toks[b].low == "whose" else set()
        while (
            hi < len(toks)
            and hi not in used
            and (toks[hi].low not in _CLOSERS - whose or hi == b + 1)
        ):
            if _BREAK.search(q[toks[hi - 1].end : toks[hi].start]):
                break
            if hi in starts and not any(t.low in _ANAPHORIC for t in toks[b + 1 : hi]):
                # "the paper on the fMRI model that …": the clause names another thing,
                # described on its own; this one is only what relates to it ("… behind that
                # default strategy" points back: the clause still describes).
                hi = b + 1
                break
            hi += 1
    elif not _words(toks[lo:a]):
        hi = _context_sentence_rest(linked, b, used)
    return lo, hi


_SENTENCE_END = re.compile(r"[.?!]\s")


def _context_sentence_rest(linked: Linked, b: int, used: set[int]) -> int:
    """ "One harmonization option in the catalog advertises that it needs no traveling
    phantoms. Who …": a kind word nothing describes, in a sentence before the asking one,
    is described by the rest of its sentence (up to a name). `b` when the sentence asks."""
    toks, q = linked.tokens, linked.question
    hi = b
    while hi < len(toks) and hi not in used:
        if hi > b and _SENTENCE_END.search(q[toks[hi - 1].end : toks[hi].start]):
            return hi
        hi += 1
    return b


def _best_card(
    view, kind: str, words: list[str], taken: set[str], spelled: dict | None = None
) -> str | None:
    """The one card of `kind` (not `taken` by another description) that the description's
    words fit clearly best, if any; a word of the card's name counts double ("prediction
    baselines" names `02_prediction_baselines`, though many configs mention both), and a card
    writing the initials of a run of words (`spelled`) holds them."""
    cards = {k: v for k, v in view.card_words(kind).items() if k not in taken}
    asked = set(words)
    df: dict[str, int] = {}
    for ws in cards.values():
        spelled_out = {w for ini, run in (spelled or {}).items() if ini in ws for w in run}
        for w in asked & (ws | spelled_out):
            df[w] = df.get(w, 0) + 1
    weight = {w: math.log(1 + len(cards) / df.get(w, 0.5)) for w in asked}
    total = sum(weight.values())
    scored = []
    for eid, ws in cards.items():
        shared = asked & ws
        for ini, run in (spelled or {}).items():
            if ini in ws:  # the card writes the initials of a run the question spells out
                shared |= run & asked
        row = view.entities[eid]
        named = text_words(" ".join([row.name, *row.aliases, eid.replace("_", " ")]))
        fit, in_name = sum(weight[w] for w in shared), sum(weight[w] for w in shared & named)
        scored.append((fit + in_name, fit, len(shared), eid, in_name, len(shared & named)))
    scored.sort(reverse=True)
    if not scored or scored[0][1] < MIN_SHARE * total:
        return None
    if scored[0][2] < 2:
        return None  # one shared word ("joint") is a coincidence, not a description
    runner = scored[1][0] if len(scored) > 1 else 0.0
    # Words every card writes ("embedding prediction baselines config"): the one card that
    # holds all of them and whose name holds clearly more of them is meant.
    best, *rest = sorted(((s[4], s[5], s[3], s[2]) for s in scored), reverse=True)
    whole = best[3] == len(asked) and best[1] >= 2
    by_name = whole and best[0] >= MIN_LEAD * (rest[0][0] if rest else 0.0)
    if scored[0][0] >= MIN_LEAD * runner:
        return scored[0][3]
    # "the DNA model the KB uses as its default gene encoder": the one card holding every
    # word of a description of three or more (not of a name: "the largest Nucleotide
    # Transformer model" may be one the KB lacks).
    alone = len(asked) >= 3 and not spelled
    alone = alone and [s for s in scored if s[2] == len(asked)] == scored[:1]
    return scored[0][3] if alone else best[2] if by_name else None


def _through_related(
    view, kind: str, head: str, words: list[str], taken: set[str], spelled: dict | None
) -> str | None:
    """ "the benchmark released together with the DNA encoder that learns byte-pair tokens":
    words no card of the kind fits may clearly fit a card of another kind; the one entity of
    the kind that card relates to (of several, the one whose card has the kind word used)."""
    for other in ("model", "paper", "dataset"):
        hit = _best_card(view, other, words, taken, spelled) if other != kind else None
        related = {o for o, _ in view.related(hit, [kind])} - taken if hit else set()
        if len(related) > 1:
            related = {o for o in related if head in view.card_words(kind).get(o, ())}
        if len(related) == 1:
            return related.pop()
    return None


def compared_alike(linked: Linked, view, seeds: list[EntityLink]) -> list[EntityLink]:
    """Things compared are of one kind: a doc named among cards of one other kind ("the
    FreeSurfer structural MRI features compared with the Caduceus gene embeddings", where
    the first words are a doc's title) stands for the card of that kind its words describe,
    when one clearly fits."""
    kinds = {e.kind for e in seeds if e.kind != "doc"}
    if len(kinds) != 1 or not any(e.kind == "doc" for e in seeds):
        return seeds
    kind = kinds.pop()
    taken = {e.id for e in seeds}
    out = []
    for e in seeds:
        if e.kind == "doc":
            lo, hi = _extent(linked, e.span[0], e.span[1], set())
            words = _words(linked.tokens[lo:hi])
            # "structural MRI" is written `smri` on the cards.
            words += [m for m, (a, b) in linked.modality_spans if lo <= a and b <= hi]
            eid = _best_card(view, kind, words, taken) if words else None
            if eid is not None:
                row = view.entities[eid]
                e = EntityLink(eid, kind, row.name, e.text, e.span, e.score * 0.9)
                taken.add(eid)
        out.append(e)
    return out
