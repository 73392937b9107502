"""Markdown doc builder: front matter, headings, a model table, links, an admonition."""

from __future__ import annotations

import posixpath
import random

from bench.synth.plan import WORDS, Refs, params_text, sentence


def title_of(doc: str) -> str:
    """A readable title from a doc path: ``docs/guide/qc_7.md`` -> ``Qc 7``."""
    return doc.rsplit("/", 1)[1][:-3].replace("_", " ").title()


def _link(r: Refs, rng: random.Random, here: str, target: str) -> str:
    return r(rng, posixpath.relpath(target, posixpath.dirname(here)))


def doc(r: Refs, j: int, rng: random.Random) -> str:
    """Doc j: a model page (for the first model it names) or an integration/guide page."""
    pl = r.plan
    here = pl.doc(j)
    is_model = here.startswith("docs/models/")
    models = [j if is_model and not n else rng.randrange(pl.n["model"]) for n in range(4)]
    facts = [pl.model(i) for i in models]
    title = facts[0]["name"] if is_model else title_of(here)
    rows = [
        f"| {f['name']} | {f['domain']} | {params_text(f).split(' ')[0]} | {f['ctx']} | "
        f"[card]({_link(r, rng, here, 'kb/model_cards/' + f['id'] + '.yaml')}) |"
        for f in facts
    ]
    other = pl.doc(rng.randrange(pl.n_docs))
    related = [pl.doc(rng.randrange(pl.n_docs)) for _ in range(2)]
    strengths = [f"- **{x}:** {sentence(rng)}" for x in rng.sample(WORDS["feature"], 3)]
    lines = [
        "---",
        f"title: {title}",
        "status: active",
        "updated: 2025-11-19",
        "---",
        "",
        f"<!-- model-id: {facts[0]['id']} -->" if is_model else "",
        "",
        f"# {title}",
        "",
        "## Overview",
        "",
        f"{sentence(rng)} {facts[0]['name']} is compared here with {facts[1]['name']} "
        f"and {facts[2]['name']}.",
        "",
        "## Comparison",
        "",
        "| Model | Domain | Parameters | Context length | Card |",
        "| --- | --- | --- | --- | --- |",
        *rows,
        "",
        '!!! note "Integration hooks"',
        f"    {sentence(rng)} See [{title_of(other)}]({_link(r, rng, here, other)}).",
        "",
        "## Details",
        "",
        "### Strengths",
        "",
        *strengths,
        "",
        "### Limitations",
        "",
        sentence(rng),
        f"{facts[3]['name']} is a {sentence(rng).lower()}",
        "",
        "## Related",
        "",
        *(f"- [{title_of(d)}]({_link(r, rng, here, d)})" for d in related),
        "",
    ]
    return "\n".join(lines)
