"""Comparison answers: `KnowledgeBase.compare` on the fields a question names, said compactly.

Fields are the properties the question names, else the YAML paths whose words it uses
("temporal filtering"), else the table's default fields. When the question compares things
related to the named entities ("the SwiFT and BrainMT embedding recipes", "the HyenaDNA
paper"), each entity is replaced by its one related entity of that kind; several related
entities ("the datasets used by A and B") are compared as lists. A question asking which is
bigger / longer / first gets a one-line verdict before the table.
"""

from __future__ import annotations

from dataclasses import replace

from ingest.normalize import is_null
from kg.cells import family
from kg.errors import KGError
from retrieval.facts import (
    Fact,
    attr_fact,
    has_word,
    key_heads,
    key_word,
    number_of,
    path_words,
    text_words,
    word_facts,
)
from retrieval.fillers import FILLER
from retrieval.graph_answers import Block, GraphAnswer, relation_fact
from retrieval.intent import Plan
from retrieval.kind_words import KIND_WORDS
from retrieval.lexical import STOPWORDS
from retrieval.lexicon import KEY_SYNONYMS, asks_number
from retrieval.linking import Linked
from retrieval.question import stem
from retrieval.value_text import readable_number

MAX_WORDS = {"bigger", "larger", "longer", "more", "later", "newer", "most", "higher", "latest"}
SIZE_WORDS = {"bigger", "larger", "more", "smaller", "fewer", "less"}
MIN_WORDS = {"smaller", "shorter", "first", "earlier", "older", "fewer", "less", "lower"}


def _stand_ins(plan: Plan, view, words: list[str]) -> tuple[list[str], list[Block]]:
    """Entities to compare, and relation blocks when each has several related ones (the
    one whose facts share the question's `words` stands in: "pretrained on more data")."""
    ids = [e.id for e in plan.seeds]
    target = plan.target
    if not target or all(view.kind(i) == target for i in ids):
        return ids, []
    mapped, lists, single = [], [], True
    for e in plan.seeds:
        if e.kind == target:
            mapped.append(e.id)
            continue
        rel = view.related(e.id, [target])
        alts = [a for a in e.alternatives if view.kind(a) == target]
        if len(rel) > 1 and words:
            # Several related: the one whose facts share the question's words.
            ranked = sorted(
                rel,
                key=lambda orl: (
                    -max(
                        (s for s, _ in word_facts([], words, view.attributes(orl[0]), "")),
                        default=0.0,
                    )
                ),
            )
            rel = ranked[:1]
        if len(rel) == 1:
            mapped.append(rel[0][0])
        elif not rel and alts:
            mapped.append(alts[0])
        else:
            single = False
            facts = [relation_fact(view, e.id, o, r) for o, r in rel]
            lists.append(Block(e.id, f"{e.name} — {target}s", facts))
    if single:
        return mapped, []
    return ids, lists


def _content_words(linked: Linked) -> list[str]:
    """The question's words outside the names, property cues included ("pretrained on")."""
    named = {i for e in linked.entities for i in range(*e.span)}
    skip = STOPWORDS | FILLER | KIND_WORDS.keys() | {"compare", "comparison", "differ", "versus"}
    return [
        t.stem
        for i, t in enumerate(linked.tokens)
        if i not in named and t.low not in skip and t.stem not in skip
    ]


def _fields(plan: Plan, view, ids: list[str], counted: bool = False) -> list[str] | None:
    if plan.properties:
        return list(plan.properties) + _own_stand_ins(plan, view, ids, counted)
    words = set(plan.words)
    if not words:
        return None
    paths: dict[str, int] = {}
    for eid in ids:
        for a in view.attributes(eid):
            if a.prov.source != view.source(eid):
                continue
            # A registry member's own key, not its id ("…_pca_v1.name" names no PCA), and
            # the key's synonyms ("width" ~ `dim`).
            keys = path_words(a.path, eid)
            hit = sum(1 for w in words if key_word(w, keys))
            if hit:
                col = _column(a.path, words)
                paths[col] = max(paths.get(col, 0), hit)
    if not paths:
        return None
    top = max(paths.values())
    chosen = [p for p, n in paths.items() if n == top][:4]
    # "subjects and frames per subject": a field named for a word no chosen field is
    # named for answers another part of the question.
    named = set().union(*(key_heads(p) for p in chosen))
    for p, _n in sorted(paths.items(), key=lambda pn: -pn[1]):
        new = {w for w in words if w not in named and key_word(w, key_heads(p))}
        if new and p not in chosen and len(chosen) < 4:
            chosen.append(p)
            named |= key_heads(p)
    # An entity holding none of the chosen fields is compared on its own best one
    # ("parameter_variants" on one card, "parameters" on the other).
    near = words.union(*(path_words(p) for p in chosen))
    for eid in ids:
        keys = _own_keys(view, eid)
        if not keys & set(chosen) and (best := _closest(keys, near)):
            chosen.append(best)
    return chosen + _group_mates(chosen, paths.keys() | _all_paths(view, ids), words)


def _column(path: str, words: set[str]) -> str:
    """The column a field is compared in: its list (`datasets` for `datasets[2]`), or, when
    a list item's own key is asked, that key in every item ("bootstrap resamples":
    `evaluation.statistical_tests[].n_bootstrap`)."""
    leaf = path.rsplit(".", 1)[-1]
    if "[" in path and "[" not in leaf and any(key_word(w, path_words(leaf)) for w in words):
        return family(path)
    return path.split("[")[0]


def _own_stand_ins(plan: Plan, view, ids: list[str], counted: bool = False) -> list[str]:
    """For an entity stating none of the properties asked, its own field closest to them
    ("bigger, Otter or Heron?": Heron states `parameter_variants`, not `parameters`)."""
    words = set(plan.words) | {w for p in plan.properties for w in path_words(p)}
    words |= {k for w in list(words) for k in KEY_SYNONYMS.get(w, ())}
    if "parameters" in plan.properties or counted:
        # A model's size is its parameters, a dataset's its counts; "how many tasks" of a
        # benchmark without a task field is counted in its `counts` ("28 datasets").
        words.add("count")
    out = []
    for eid in ids:
        own = [a for a in view.attributes(eid) if a.prov.source == view.source(eid)]
        if any(a.property in plan.properties for a in own):
            continue
        if best := _closest(_own_keys(view, eid), words):
            out.append(best)
    return out


def _own_keys(view, eid: str) -> set[str]:
    """The field keys an entity's own card states (list indices dropped)."""
    return {a.path.split("[")[0] for a in view.attributes(eid) if a.prov.source == view.source(eid)}


def _closest(keys: set[str], words: set[str]) -> str | None:
    """The key sharing most of `words`, fewest other words first ("parameters" before
    "active_parameters"); None when none shares any."""
    hits = {k: len(path_words(k) & words) for k in sorted(keys)}  # a tie: first by name
    if not hits or not max(hits.values()):
        return None
    return max(hits, key=lambda k: (hits[k], -len(path_words(k))))


def _all_paths(view, ids: list[str]) -> set[str]:
    return {a.path.split("[")[0] for e in ids for a in view.attributes(e)}


def _group_mates(chosen: list[str], known, words: set[str]) -> list[str]:
    """Fields beside a chosen one in a group the question names ("window length and
    stride": `window.stride` brings `window.frames`)."""
    out = []
    for p in chosen:
        parent = p.rsplit(".", 1)[0]
        if "." not in p or not path_words(parent.rsplit(".", 1)[-1]) & words:
            continue
        out += [k for k in sorted(known) if k.rsplit(".", 1)[0] == parent and k not in chosen]
    return list(dict.fromkeys(out))[:4]


def _verdict(linked: Linked, table, view) -> str:
    words = {t.low for t in linked.tokens}
    if "same" in words:
        direction = "same"
    elif words & MAX_WORDS:
        direction = "max"
    elif words & MIN_WORDS:
        direction = "min"
    else:
        direction = ""  # no side asked: large numbers are still said in words
    for ci, col in enumerate(table.columns):
        nums = []
        for row in table.rows:
            vals = [v for v in row.cells[ci].distinct() if v.source == view.source(row.key)]
            vals = vals or row.cells[ci].distinct()
            n = next((_num(v) for v in vals if _num(v) is not None), None)
            if n is not None:
                nums.append((n, row.label))
        if len(nums) < 2:
            continue
        shown = ", ".join(f"{name}: {readable_number(n)}" for n, name in nums)
        if not direction:
            # "3_200_000_000 vs 8_800_000_000_000" read as "3.2 billion, 8.8 trillion".
            big = any(abs(n) >= 1e6 for n, _ in nums)
            return f"{col.label} — {shown}." if big else ""
        if direction == "same":
            same = len({n for n, _ in nums}) == 1
            return f"{'Yes, the same' if same else 'No, they differ in'} {col.label.lower()} ({shown})."
        pick = (max if direction == "max" else min)(nums)
        word = "highest" if direction == "max" else "lowest"
        if len(nums) == 2:  # of two, one is higher, not the highest
            word = "higher" if direction == "max" else "lower"
            return f"{pick[1]} is {word} in {col.label.lower()} ({shown})."
        return f"{pick[1]} has the {word} {col.label.lower()} ({shown})."
    return ""


def _num(v) -> float | None:
    from kg.ir import Attribute, Provenance

    return number_of(Attribute("", v.path, v.raw, v.value, Provenance(v.source, v.line, v.line)))


def answer(plan: Plan, linked: Linked, view, compare) -> GraphAnswer | None:
    """Compare the named entities; None when the comparison cannot be built."""
    ids, lists = _stand_ins(plan, view, plan.words or _content_words(linked))
    if lists:
        lead = " vs ".join(b.heading for b in lists) + "."
        return GraphAnswer("compare", lead, lists, ids, min(e.score for e in plan.seeds))
    strength = min(e.score for e in plan.seeds)
    if not plan.properties and plan.words:
        blocks = _word_blocks(plan, view, ids)
        if blocks:
            return GraphAnswer("compare", "", blocks, ids, strength)
    if not plan.properties and not plan.words and SIZE_WORDS & {t.low for t in linked.tokens}:
        # "Which was pretrained on more data?" names no field: the size is compared.
        plan = replace(plan, properties=["parameters"])
    fields = _fields(plan, view, ids, asks_number(linked.question))
    try:
        table = compare(ids, fields)
    except KGError:
        return None
    blocks: list[Block] = []
    for ci, col in enumerate(table.columns):
        facts = []
        counts = any(_num(v) is not None for r in table.rows for v in r.cells[ci].distinct())
        for row in table.rows:
            cell = row.cells[ci]
            vals = [v for v in cell.distinct() if not is_null(v.raw)]
            own = [v for v in vals if v.source == view.source(row.key)] or vals
            if not own and counts:
                # "more tasks" of a card with no field for them: "a 28-task benchmark".
                word = stem(col.key.rsplit(".", 1)[-1].split("[")[0])
                attrs, src = view.attributes(row.key), view.source(row.key)
                found = word_facts([word], [], attrs, src, 1, keys_only=True, numeric=True)
                facts += [replace(f, entity=row.key, label=row.label) for _, f in found]
            for v in own[:6]:
                text = v.raw if len(v.raw) <= 160 else v.raw[:159] + "…"
                facts.append(
                    Fact(row.key, row.label, text, v.source, (v.line, v.line), v.raw, cell.conflict)
                )
        if facts:
            blocks.append(Block("", col.label.lower(), facts))
    if not blocks:
        return None
    lead = _verdict(linked, table, view)
    return GraphAnswer("compare", lead, blocks, ids, strength)


def _word_blocks(plan: Plan, view, ids: list[str]) -> list[Block]:
    """Per entity, the fields sharing the question's words (registry members keep their
    fields under their own key, so a table column would hold one entity only)."""
    blocks = []
    for eid in ids:
        attrs = view.attributes(eid)
        # The words as asked, so a field for each part is kept ("TR and run length").
        scored = word_facts(plan.words, [], attrs, view.source(eid), limit=3)
        facts = [f for _, f in scored]
        more, share = _complements(plan, facts, attrs)
        # Several fields together can cover the question where no single one does.
        if scored and (scored[0][0] >= 0.5 or (more and share >= 0.5)):
            blocks.append(Block(eid, view.name(eid), facts + more))
    return blocks if len(blocks) == len(ids) else []


def _complements(plan: Plan, facts: list[Fact], attrs) -> tuple[list[Fact], float]:
    """Fields for the question words the chosen facts leave out ("differ in pooling, and
    what PCA width"): a field whose value names the word brings its sibling fields along
    (`projector.type: PCA` with `projector.dim: 128`); with the share of words covered."""
    have = {(f.source, f.lines[0]) for f in facts}
    covered: set[str] = set()
    for f in facts:
        covered |= key_heads(f.label) | text_words(f.quote)
    out: list[Fact] = []
    for w in plan.words:
        if has_word(w, covered, True):
            continue
        for a in attrs:
            if a.path == "id" or (a.prov.source, a.prov.line_start) in have:
                continue
            in_key = key_word(w, key_heads(a.path))
            in_value = len(str(a.raw).split()) <= 3 and has_word(w, text_words(a.raw))
            if not (in_key or in_value):
                continue
            group = [a]
            parent = a.path.rsplit(".", 1)[0]
            if in_value and "." in a.path:
                group = [b for b in attrs if b.path.rsplit(".", 1)[0] == parent]
            for b in group:
                if (b.prov.source, b.prov.line_start) not in have:
                    have.add((b.prov.source, b.prov.line_start))
                    out.append(attr_fact(b))
            covered.add(w)
            break
    share = sum(has_word(w, covered, True) for w in plan.words) / max(len(plan.words), 1)
    return out[:4], share
