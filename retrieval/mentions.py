"""Names in a question read in context before planning: a name inside a longer name is
part of it ("the DNABERT-2 multi-species corpus"), words a named thing's card writes, matched
loosely to another name in its noun phrase, describe it ("the Yoon BIOKDD'25 MDD
classification work"), names coordinated before shared head
words are each named ("the UK Biobank and HCP tensor datasets"), capitalised words that
open several names stand for the one the question is about ("UK Biobank" beside
resting-state runs), "the ComBat paper" for a method is the paper the method refers to,
"the StripedHyena 2-based model" is the model built on it, and a name closing a relative
clause ("the GUE benchmark that ships with DNABERT-2") only says which thing is meant."""

from __future__ import annotations

from dataclasses import replace

from retrieval.described import resolve_descriptions
from retrieval.facts import text_words
from retrieval.kb_view import PARTNERS, STRUCTURAL
from retrieval.kind_words import KIND_WORDS
from retrieval.linking import EntityLink, Linked


def refine_mentions(linked: Linked, view) -> None:
    """Rewrite `linked.entities` in place (see the module doc)."""
    _absorb_prefix_names(linked, view)
    _drop_modifier_names(linked, view)
    _drop_asides(linked)
    _drop_relatives(linked)
    _coordinated_heads(linked, view)
    _names_before_one(linked, view)
    _shared_openings(linked, view)
    _kind_named(linked, view)
    _built_on(linked, view)
    resolve_descriptions(linked, view)


def _built_on(linked: Linked, view) -> None:
    """ "the StripedHyena 2-based DNA model": a name written before "-based" and a kind word
    of another kind describes the entity of that kind whose card writes the name (as its
    architecture, say), not the named thing; among several, the one the named thing
    relates to. Unchanged when none or no single one is found."""
    toks, q = linked.tokens, linked.question
    for n, e in enumerate(linked.entities):
        end = e.span[1]
        if end >= len(toks) or toks[end].low != "based":
            continue
        if q[toks[end - 1].end : toks[end].start] != "-":
            continue  # "… based on X" reads otherwise
        kind = next(
            (KIND_WORDS[t.stem] for t in toks[end + 1 : end + 4] if t.stem in KIND_WORDS), None
        )
        if kind is None or kind in (e.kind, "doc"):
            continue
        name = text_words(e.text)
        cands = [c for c, words in view.card_words(kind).items() if name and name <= words]
        if len(cands) > 1:
            near = {o for o, _ in view.related(e.id, [kind], (*STRUCTURAL, "mentions"))}
            cands = [c for c in cands if c in near] or cands
            # The card built on it writes the name most, and in its architecture.
            scores = {c: _writes(view, c, e.text) for c in cands}
            best = max(scores.values())
            cands = [c for c in cands if scores[c] == best] if best else []
        if len(cands) == 1:
            c = cands[0]
            linked.entities[n] = EntityLink(c, kind, view.name(c), e.text, e.span, e.score)


def _writes(view, eid: str, name: str) -> int:
    """How often an entity's card writes a name (hyphens read as spaces), its architecture
    counting double."""
    phrase = " ".join(name.lower().replace("-", " ").split())
    n = 0
    for a in view.attributes(eid):
        if phrase in " ".join(str(a.raw).lower().replace("-", " ").split()):
            n += 2 if a.property == "architecture" else 1
    return n


def _kind_named(linked: Linked, view) -> None:
    """ "The ComBat paper" where ComBat is a method: a paper the method refers to stands for
    it. Among several, the one whose title or authors the words around the mention name
    ("… by Fortin et al."), else the one no other mention took."""
    toks = linked.tokens
    ents = linked.entities
    pending = {}
    for n, e in enumerate(ents):
        end = e.span[1]
        kind = KIND_WORDS.get(toks[end].stem) if end < len(toks) else None
        # "the Caduceus and DNABERT-2 papers": the kind word after the second is the first's.
        nxt = ents[n + 1] if n + 1 < len(ents) else None
        pair = nxt and end < len(toks) and toks[end].low in ("and", "or") and nxt.span[0] == end + 1
        if kind is None and pair and nxt.span[1] < len(toks):
            kind = KIND_WORDS.get(toks[nxt.span[1]].stem)
        # "few-shot visual language model", read from a paper's title: the kind word ends it.
        inside = KIND_WORDS.get(toks[end - 1].stem) if e.score < 1.0 else None
        kind = kind or inside
        if kind is None or kind == e.kind or kind == "doc":
            continue
        others = list(dict.fromkeys(o for o, _ in view.related(e.id, [kind], PARTNERS)))
        if others:
            lo = max([x.span[1] for x in ents if x.span[1] <= e.span[0]], default=0)
            hi = min([x.span[0] for x in ents if x.span[0] > end], default=len(toks))
            after = toks[end].low if end < len(toks) else ""  # the name may end the question
            near = {t.low for t in toks[lo:hi] if len(t.low) > 3} - {after, e.text.lower()}
            pending[n] = (kind, others, near)
    changed = True
    while changed:
        changed = False
        named = {e.id for e in ents}
        for n, (kind, others, near) in list(pending.items()):
            left = [o for o in others if o not in named]
            said = [o for o in left if near & _title_and_author_words(view, o)]
            pick = said if len(said) == 1 else left
            if len(pick) == 1:
                e = ents[n]
                ents[n] = EntityLink(pick[0], kind, view.name(pick[0]), e.text, e.span, e.score)
                del pending[n]
                changed = True
                break


def _title_and_author_words(view, eid: str) -> set[str]:
    """The stemmed words (longer than 3 letters) of an entity's name and authors."""
    authors = [str(a.raw) for a in view.attributes(eid) if a.path.startswith("authors")]
    return {w for w in text_words(" ".join([view.name(eid), *authors])) if len(w) > 3}


def _drop_asides(linked: Linked) -> None:
    """ "the Gener task suite (GENERator's classification datasets)": a name in brackets
    right after another describes that one; the question is not about it. An id in
    brackets ("FreeSurfer sMRI features (smri_freesurfer_pca_v1)") says exactly which
    entity the words before it mean."""
    toks, q = linked.tokens, linked.question
    for a, b in list(zip(linked.entities, linked.entities[1:], strict=False)):
        gap = q[toks[a.span[1] - 1].end : toks[b.span[0]].start]
        after = q[toks[b.span[1] - 1].end :]
        if gap.strip() == "(" and ")" in after and b in linked.entities and a in linked.entities:
            exact_id = b.text == b.id and after.lstrip().startswith(")")
            linked.entities.remove(a if exact_id and a.id != b.id else b)


_RELATIVE_OPENERS = {"that", "which", "released", "shipped", "introduced", "distributed"}


def _drop_relatives(linked: Linked) -> None:
    """ "How many tasks are in the GUE benchmark that ships with DNABERT-2?": a name in a
    relative clause right after another name of another kind says which one is meant; a
    property asked is the first one's, so the second is no entity asked about."""
    toks = linked.tokens
    if not linked.properties:
        return
    for a, b in list(zip(linked.entities, linked.entities[1:], strict=False)):
        between = toks[a.span[1] : b.span[0]]
        if between and between[0].stem in KIND_WORDS:
            between = between[1:]  # "the Genome Understanding Evaluation benchmark that …"
        relative = bool(between) and between[0].low in _RELATIVE_OPENERS and len(between) <= 4
        # … and the name ends the question: "the X that ships with Y" is all it says of Y.
        if relative and a.kind != b.kind and b.span[1] == len(toks) and b in linked.entities:
            linked.entities.remove(b)


def _coordinated_heads(linked: Linked, view) -> None:
    """ "the UK Biobank and HCP tensor datasets": a name matched across "and"/"or", whose
    capitalised words after it are none of its name's, shares its head words ("tensor")
    with the one other entity of its kind whose name holds those words and the head."""
    toks = linked.tokens
    for e in list(linked.entities):
        i, j = e.span
        own = text_words(e.name)
        for c in range(i + 1, j - 1):
            if toks[c].low not in ("and", "or"):
                continue
            k = c + 1
            while k < j and toks[k].text[:1].isupper() and toks[k].stem not in own:
                k += 1
            head = {toks[x].stem for x in range(k, j)} & own
            words = {toks[x].stem for x in range(c + 1, k)} | head
            others = [
                r
                for r in view.entities.values()
                if r.kind == e.kind and r.id != e.id and words <= text_words(r.name)
            ]
            if k > c + 1 and head and len(others) == 1:
                r, at = others[0], linked.entities.index(e)
                text = " ".join(t.text for t in toks[c + 1 : j])
                linked.entities[at] = replace(e, span=(i, c))
                linked.entities.append(EntityLink(r.id, r.kind, r.name, text, (c + 1, j), e.score))
                linked.entities.sort(key=lambda x: x.span)
            break


def _names_before_one(linked: Linked, view) -> None:
    """ "Which fMRI tensor dataset …, the UKB one or the HCP-YA one?": a word or two before
    "one" name the entity of the kind named first, read with that kind's phrase ("UKB fMRI
    tensor dataset"); linked where that reading names exactly one entity of the kind."""
    toks = linked.tokens
    if not linked.kinds:
        return
    kind, (a, b) = linked.kinds[0]
    start = a
    while start > 0 and toks[start - 1].low not in _PHRASE_OPENERS and a - start < 3:
        start -= 1
    phrase = linked.question[toks[start].start : toks[b - 1].end]  # "fMRI tensor dataset"
    for p, t in enumerate(toks):
        if t.low != "one" or p <= b + 1 or toks[p - 1].low in _PHRASE_OPENERS:
            continue
        x = p - 1 if toks[p - 2].low in _PHRASE_OPENERS else p - 2
        if any(e.span[0] <= x < e.span[1] and e.span[1] > p for e in linked.entities):
            continue
        run = linked.question[toks[x].start : toks[p - 1].end]
        found = [e for e in view.linker.link(f"{run} {phrase}").entities if e.kind == kind]
        if len(found) != 1:
            continue
        e = found[0]
        linked.entities = [o for o in linked.entities if not x <= o.span[0] < p]
        linked.entities.append(EntityLink(e.id, e.kind, e.name, f"{run} one", (x, p + 1), e.score))
        linked.values = [v for v in linked.values if not x <= v.span[0] < p]
    linked.entities.sort(key=lambda e: e.span)


_PHRASE_OPENERS = {"the", "a", "an", "which", "what", "this", "that", "or", "and", "of"}


def _absorb_prefix_names(linked: Linked, view) -> None:
    """ "the DNABERT-2 multi-species corpus": a name written right before a longer name that
    contains it is part of that name, not a second entity."""
    ents = linked.entities
    for a, b in list(zip(ents, ents[1:], strict=False)):
        if a.span[1] == b.span[0] and a in ents:
            inner, outer = text_words(view.name(a.id)), text_words(view.name(b.id))
            if inner and inner < outer:
                ents.remove(a)
                ents[ents.index(b)] = EntityLink(
                    b.id, b.kind, b.name, f"{a.text} {b.text}", (a.span[0], b.span[1]), b.score
                )


def _drop_modifier_names(linked: Linked, view) -> None:
    """ "the Yoon BIOKDD'25 MDD classification work": words matched loosely to another name
    ("MDD Classification", an experiment) in the same noun phrase as a name, which its card
    also writes, describe that named thing; they name no second one."""
    ents, toks = linked.entities, linked.tokens
    for a, b in list(zip(ents, ents[1:], strict=False)):
        gap = toks[a.span[1] : b.span[0]]
        joined = linked.question[toks[a.span[0]].start : toks[b.span[1] - 1].end]
        if b.score >= 1 or len(gap) > 5 or any(t.low in _JOINING for t in gap):
            continue
        if any(ch in joined for ch in ",;:()?") or b not in ents:
            continue
        card = set().union(*(text_words(x.raw) for x in view.attributes(a.id)), set())
        if text_words(b.text) <= card:
            ents.remove(b)


# Words that end one noun phrase and start another ("the X model *for* Y").
_JOINING = {"of", "in", "for", "with", "by", "on", "to", "from", "and", "or", "vs", "than"}
_JOINING |= {"is", "are", "was", "were", "does", "do", "did", "has", "have", "that", "which"}


def _shared_openings(linked: Linked, view) -> None:
    """ "UK Biobank" beside "resting-state … repetition time": capitalised words no link
    took that open several names stand for the one whose modality or name words the rest
    of the question shares, in its name or its card's text (none when that does not single
    one out)."""
    toks = linked.tokens
    used = {i for e in linked.entities for i in range(*e.span)}
    i = 0  # the first word too ("UK Biobank vs HCP-YA …"): a question word opens no name
    while i < len(toks):
        j = i
        while j < len(toks) and j not in used and toks[j].text[:1].isupper():
            j += 1
        if j == i:
            i += 1
            continue
        if any(t.stem in KIND_WORDS and k not in used for k, t in enumerate(toks[j : j + 3], j)):
            i = j  # "the UK Biobank prediction-baselines experiment" describes another thing
            continue
        phrase = " ".join(t.low for t in toks[i:j]) + " "
        acronym = j == i + 1 and toks[i].text.isupper() and len(toks[i].text) >= 3
        if acronym:  # "UKB": the initials of the words a name opens with ("UK Biobank …")
            cands = [r.id for r in view.entities.values() if _opens_with(r.name, toks[i].low)]
        else:
            cands = [r.id for r in view.entities.values() if r.name.lower().startswith(phrase)]
        if (acronym or len(phrase) > 4) and len(cands) >= 2:
            mods, words = set(linked.modalities), set(linked.words)
            # "the UK Biobank and HCP fMRI tensor datasets": names coordinated with it share
            # their head words.
            words |= {w for e in linked.entities for w in text_words(e.name)}
            scores = {
                c: 2 * len(mods & view.modality_ids(c))
                + len(words & view.card_words(view.kind(c)).get(c, frozenset()))
                for c in cands
            }
            best = max(scores.values())
            winners = [c for c, sc in scores.items() if sc == best]
            if best > 0 and len(winners) == 1:
                c = winners[0]
                text = " ".join(t.text for t in toks[i:j])
                linked.entities.append(EntityLink(c, view.kind(c), view.name(c), text, (i, j), 0.9))
                linked.entities.sort(key=lambda e: e.span)
        i = j


def _opens_with(name: str, initials: str) -> bool:
    """Whether a name's first capitalised words have these initials ("UK Biobank fMRI" ~
    "ukb"); acronyms count whole."""
    run = []
    for w in name.split():
        if not w[:1].isupper():
            break
        run.append(w if w.isupper() else w[0])
        if len("".join(run)) >= len(initials):
            break
    return "".join(run).lower() == initials
