"""Write a synthetic KB to disk, one file at a time, and report what was written."""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from pathlib import Path

from bench.synth import cards, markdown
from bench.synth.plan import STRATEGIES_PER_REGISTRY, Plan, Refs

_FOLDERS = ("kb", "configs", "docs")


def generate_kb(
    out: Path, n_cards: int, seed: int = 0, broken: float = 0.01, overwrite: bool = False
) -> dict:
    """Write a synthetic KB of `n_cards` cards plus ~1 markdown doc per 10 cards under `out`.

    Args:
        out: the KB root; kb/, configs/experiments/ and docs/ are created under it.
        n_cards: YAML cards and configs, split 40/35/15/5/5 % over models, papers, datasets,
            integration cards and experiment configs (at least one of each).
        seed: the same (n_cards, seed, broken) gives byte-identical output.
        broken: fraction of references written as near-miss typos that resolve to nothing.
        overwrite: remove earlier generated folders in `out` instead of refusing.

    Returns:
        Counts per kind, plus files, bytes, refs, broken_refs and seconds.

    Raises:
        FileExistsError: `out` already holds a KB and `overwrite` is False.
    """
    out = Path(out)
    existing = [out / d for d in _FOLDERS if (out / d).exists()]
    if existing and not overwrite:
        raise FileExistsError(f"{out} already holds {existing[0].name}/; use --force to replace it")
    for d in existing:
        shutil.rmtree(d)
    t0 = time.perf_counter()
    plan = Plan(n_cards, seed, broken)
    refs = Refs(plan)
    files = size = 0
    jobs = [
        ("model", "kb/model_cards", cards.model_card, lambda i: plan.model(i)["id"]),
        ("paper", "kb/paper_cards", cards.paper_card, lambda i: plan.paper(i)[0]),
        ("dataset", "kb/datasets", cards.dataset_card, plan.dataset),
        ("integration", "kb/integration_cards", cards.integration_card, plan.integration),
        ("experiment", "configs/experiments", cards.experiment, lambda i: plan.experiment(i)[0]),
        ("doc", None, markdown.doc, plan.doc),
    ]
    made: set[Path] = set()
    for code, (kind, folder, build, name) in enumerate(jobs):
        count = plan.n_docs if kind == "doc" else plan.n[kind]
        for i in range(count):
            # One generator per file, seeded by (seed, kind, index): files do not depend on
            # the order they are written in.
            text = build(refs, i, random.Random(seed * 1_000_003 + code * 50_000_017 + i))
            path = out / (name(i) if folder is None else f"{folder}/{name(i)}.yaml")
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            data = text.encode()
            path.write_bytes(data)
            files += 1
            size += len(data)
    counts = {f"{k}_cards": v for k, v in plan.n.items()}
    counts.update(
        docs=plan.n_docs,
        strategies=STRATEGIES_PER_REGISTRY * plan.n_registries,
        files=files,
        bytes=size,
        refs=refs.total,
        broken_refs=refs.broken,
    )
    # The manifest lets a benchmark reuse a cached KB and know how many findings to expect.
    manifest = {"n_cards": n_cards, "seed": seed, "broken": broken, **counts}
    (out / ".synth.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return {**counts, "seconds": round(time.perf_counter() - t0, 3)}


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.synth OUT_DIR --cards N [--seed S] [--broken F] [--force]`."""
    ap = argparse.ArgumentParser(
        prog="python -m bench.synth", description="Write a synthetic KB in the reference layout."
    )
    ap.add_argument("out", type=Path, help="KB root to create")
    ap.add_argument("--cards", type=int, default=1000, help="number of cards (default 1000)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--broken", type=float, default=0.01, help="fraction of broken references")
    ap.add_argument("--force", action="store_true", help="replace a KB already in OUT_DIR")
    args = ap.parse_args(argv)
    if args.cards < 1 or not 0 <= args.broken <= 1:
        ap.error("--cards must be >= 1 and --broken between 0 and 1")
    try:
        counts = generate_kb(args.out, args.cards, args.seed, args.broken, overwrite=args.force)
    except FileExistsError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(json.dumps(counts, indent=1))
    return 0
