"""Choosing entities: a registry's members, a kind narrowed by modality, the ones that meet
a question's conditions (values, numbers, superlatives, modifier words), and, for a kind
asked with no condition, those a yes/no field or a value written as code selects."""

from __future__ import annotations

import re
from dataclasses import replace

from kg.vocab import PROPERTIES
from retrieval.asked import negated_tokens
from retrieval.attach import Constraints
from retrieval.conditions import held_by, meets, number_of, numeric_attrs
from retrieval.facts import has_word, text_words
from retrieval.intent import Plan
from retrieval.lexical import STOPWORDS
from retrieval.links import Linked
from retrieval.question import us_spelling


def members(view, scope: list[str], kind: str | None) -> list[str]:
    """Entities that are part of the registry cards in `scope` (of `kind`)."""
    out = []
    for sid in scope:
        for r in view.inc.get(sid, []):
            if r.predicate == "part_of" and (kind is None or view.kind(r.subject) == kind):
                out.append(r.subject)
    return list(dict.fromkeys(out))


def scoped(view, plan: Plan, kind: str | None) -> tuple[list[str], dict]:
    """Members of the registries in scope meeting the question's conditions. A modality no
    member states but the registry's own name does ("the cross-modal LLM/VLM alignment
    strategies" of a card named so) describes the registry: its members all meet it."""
    inside, c = members(view, plan.scope, kind), plan.constraints.get(kind)
    base, ev = select(view, inside, c, plan)
    named = {m for s in plan.scope for m in view.modality_ids(s)}
    if not base and c and c.modalities and set(c.modalities) <= named:
        base, ev = select(view, inside, replace(c, modalities=[]), plan)
    return base, ev


def candidates(view, kind: str, c: Constraints | None) -> list[str]:
    """Entities of `kind`, narrowed in the store by modality when the question names one."""
    if c and c.modalities:
        ids: list[str] = []
        for m in c.modalities:
            ids.extend(e.id for e in view.sql.find_entities(kind, m, limit=100_000)[0])
        if not ids:  # none states one: those whose name or registry names it (KBView)
            ids = [e for e in view.by_kind.get(kind, []) if view.modality_ids(e) & {*c.modalities}]
        return list(dict.fromkeys(ids))
    return list(view.by_kind.get(kind, []))


def select(view, ids: list[str], c: Constraints | None, plan: Plan) -> tuple[list[str], dict]:
    """Entities among `ids` meeting `c`, with the attributes that show it (per entity)."""
    if not c:
        return ids, {}
    facts = view.attributes_for(ids)
    props = {p for v in c.values for p in v.properties}
    if c.values and not any(a.property in props for attrs in facts.values() for a in attrs):
        # Nobody has such a property: the value words only narrow like other words.
        c = replace(c, values=[])
    kind = view.kind(ids[0]) if ids else None
    unheld = [v for v in c.values if kind and not held_by(view, kind, v)]
    if unheld:
        # "the BERT-style encoder": no model is tagged "bert"; its words describe it.
        more = [w for v in unheld for w in sorted(text_words(v.text)) if w not in c.words]
        c = replace(c, values=[v for v in c.values if v not in unheld], words=c.words + more)
    kept, evidence = [], {}
    for eid in ids:
        mods = view.modality_ids(eid) if c.modalities else set()
        ok, ev = meets(eid, c, facts[eid], mods, plan.properties, plan.words)
        if ok:
            kept.append(eid)
            evidence[eid] = ev
    if c.superlative and kept:
        direction, implied = c.superlative
        props_s = plan.properties or ([implied] if implied else [])
        scored = []
        for eid in kept:
            nums = [(number_of(a), a) for a in numeric_attrs(facts[eid], props_s, plan.words)]
            if nums:
                scored.append((max(n for n, _ in nums), eid, max(nums, key=lambda na: na[0])[1]))
        if scored:
            best = (max if direction == "max" else min)(scored, key=lambda s: s[0])
            kept, evidence = [best[1]], {best[1]: [*evidence.get(best[1], []), best[2]]}
    return kept, evidence


def flagged(view, ids: list[str], linked: Linked, props: list[str]) -> tuple[list[str], dict]:
    """ "Which dataset cards are marked as verified?": the entities whose yes/no property the
    question names holds true (false when the question negates), with the field saying so."""
    flags = {p for p in props if PROPERTIES.get(p, {}).get("type") == "boolean"}
    if not flags:
        return [], {}
    negated = negated_tokens(linked)
    spans = [range(*p.span) for p in linked.properties if p.property in flags]
    wanted = "false" if any(negated.intersection(s) for s in spans) else "true"
    facts = view.attributes_for(ids)
    kept, evidence = [], {}
    for eid in ids:
        yes = [a for a in facts[eid] if a.property in flags and str(a.raw).lower() == wanted]
        if yes:
            kept.append(eid)
            evidence[eid] = yes[:1]
    return kept, evidence


# A word written as code: CamelCase ("StratifiedKFold") or snake_case ("none_baseline").
_CODE_WORD = re.compile(r"\b(?:[A-Za-z]*[a-z][A-Z]\w*|[A-Za-z]\w*_\w+)\b")


def flag_or_code(view, ids: list[str], linked: Linked, props: list[str]) -> tuple[list[str], dict]:
    """A kind asked with no condition: by a yes/no field it names, else by a value it writes
    as code."""
    kept, evidence = flagged(view, ids, linked, props)
    return (kept, evidence) if kept else with_code_value(view, ids, linked)


def with_code_value(view, ids: list[str], linked: Linked) -> tuple[list[str], dict]:
    """ "Which experiment configs use plain StratifiedKFold …?": the entities with a field
    whose whole value is a word the question writes as code, with that field; not one it
    sets against ("… instead of the site-grouped StratifiedGroupKFold")."""
    negated = {linked.tokens[i].start for i in negated_tokens(linked)}
    codes = {
        m.group().lower()
        for m in _CODE_WORD.finditer(linked.question)
        if not any(m.start() <= at < m.end() for at in negated)
    }
    codes -= {e.text.lower() for e in linked.entities}  # a name is no value
    if not codes:
        return [], {}
    facts = view.attributes_for(ids)
    kept, evidence = [], {}
    for eid in ids:
        hit = [a for a in facts[eid] if str(a.raw).strip().strip("\"'").lower() in codes]
        if hit:
            kept.append(eid)
            evidence[eid] = hit[:1]
    return kept, evidence


def best_by_words(view, ids: list[str], words: list[str]) -> tuple[list[str], dict]:
    """The entities whose field values hold the most of the question's words ("the method
    that comes from Fortin et al. 2018"), with the fields that hold them; all entities
    (and no evidence) when no word tells them apart."""
    if not words or len(ids) < 2:
        return ids, {}
    scores, shown = {}, {}
    for eid in ids:
        found: set[str] = set()
        best = (0, None)
        for a in view.attributes(eid):
            words_in = {w for w in words if has_word(w, text_words(a.raw))}
            found |= words_in
            if len(words_in) > best[0]:
                best = (len(words_in), a)
        scores[eid] = len(found)
        shown[eid] = [best[1]] if best[1] is not None else []
    top = max(scores.values())
    if top == 0 or all(v == top for v in scores.values()):
        return ids, {}
    kept = [e for e in ids if scores[e] == top]
    return kept, {e: shown[e] for e in kept}


def name_words(view, eid: str) -> set[str]:
    """The words naming an entity: its name, aliases and id, British spellings folded."""
    row = view.entities.get(eid)
    if row is None:
        return set()
    words = text_words(" ".join([row.name, *row.aliases, eid.replace("_", " ")]))
    return words | {us_spelling(w) for w in words}  # "Residualisation" ~ "residualization"


def set_aside(view, ids: list[str], besides: set[str]) -> list[str]:
    """Without what the question sets aside ("besides the no-harmonization baseline"): an
    entity linked there, or one named by two of its words, or by one word that names no
    other candidate ("beyond plain residualisation"); all of them if none is left."""
    words = {w for w in besides if len(w) > 2}
    hits = {e: {w for w in words if has_word(w, name_words(view, e))} for e in ids}

    def named(e: str) -> bool:
        alone = any(all(w not in hits[o] for o in ids if o != e) for w in hits[e])
        return len(hits[e]) >= 2 or alone

    kept = [e for e in ids if e not in besides and not named(e)]
    return kept or ids


# Words that open a clause describing the things a kind word names ("datasets *were*
# collected by DeepMind", "models *that* read one base at a time").
_CLAUSE_OPENERS = {"that", "which", "were", "was", "are", "is", "whose", "where"}


def clause_after_kind(linked: Linked, kind: str) -> list[str]:
    """The content words of the clause right after the plural word for `kind` ("Which of
    Flamingo's datasets were collected by DeepMind itself and never released?")."""
    toks = linked.tokens
    named = {i for e in linked.entities for i in range(*e.span)}
    for k, (_, b) in linked.kinds:
        participle = _participle_clause(linked, b, named, kind) if k == kind else []
        if participle:
            return participle
        plural = toks[b - 1].low != toks[b - 1].stem
        if k != kind or not plural or b + 1 >= len(toks) or toks[b].low not in _CLAUSE_OPENERS:
            continue
        rest = set(range(b + 1, len(toks)))
        kinds_after = {a for _, (a, _) in linked.kinds if a in rest}
        if (named | kinds_after) & rest or toks[b + 1].low in STOPWORDS:
            # "which datasets is Caduceus linked to", "configs built on the Cha cohort",
            # "models paired with the DNA models": the question's own clause, or a relation
            # to another thing (the hop itself).
            return []
        return [t.stem for t in toks[b + 1 :] if t.low not in STOPWORDS and len(t.low) > 2]
    return []


def _participle_clause(linked: Linked, b: int, named: set[int], kind: str) -> list[str]:
    """ "The benchmark <distributed together> with DNABERT-2 — …": a participle right after a
    kind word describes the one meant, up to the name it relates to or a break; the kind
    word joins it when narrower than its kind ("benchmark" for a dataset)."""
    toks, q = linked.tokens, linked.question
    if b >= len(toks) or not toks[b].low.endswith("ed") or toks[b].low in STOPWORDS:
        return []
    words = []
    for i in range(b, len(toks)):
        if i in named or (i > b and re.search(r"[,;:?—–-]\s", q[toks[i - 1].end : toks[i].start])):
            break
        if toks[i].low not in STOPWORDS and len(toks[i].low) > 2:
            words.append(toks[i].stem)
    kind_word = toks[b - 1].stem
    if kind_word != kind:
        words.insert(0, kind_word)
    return words if len(words) >= 2 else []


def described_among(view, ids: list[str], words: list[str], kind: str) -> list[str]:
    """Of several entities reached, those whose cards hold at least half of a describing
    clause's words (at least two); all of them when that singles out none or every one."""
    if len(ids) < 2 or len(words) < 2:
        return ids
    cards = view.card_words(kind)
    need = max(2, (len(words) + 1) // 2)
    kept = [e for e in ids if sum(has_word(w, cards.get(e, set())) for w in words) >= need]
    return kept if 0 < len(kept) < len(ids) else ids
