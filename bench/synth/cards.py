"""Card builders: one YAML text per model, paper, dataset, integration card or experiment.

Each builder takes the reference counter (which carries the plan), the entity index and a
per-file random generator, and returns the file's text in the reference KB's shapes.
"""

from __future__ import annotations

import random

from bench.synth.plan import (
    MODS,
    REGISTRY_EVERY,
    STRATEGIES_PER_REGISTRY,
    WORDS,
    Refs,
    params_text,
    sentence,
)
from bench.synth.yamlout import Block, Flow, Gap, Raw, dump

DATE = Raw("2025-11-15")  # unquoted, as cards write it: YAML reads it as a date


def model_card(r: Refs, i: int, rng: random.Random) -> str:
    pl, m = r.plan, r.plan.model(i)
    ctx = Raw(f"{m['ctx']}  # tokens per sample") if i % 3 == 0 else m["ctx"]
    n_ds, n_int = pl.n["dataset"], pl.n["integration"]
    hub = f"{m['id'].split('_')[0]}-lab/{m['id']}"
    hf = f"https://huggingface.co/{hub}"
    card = {
        "id": m["id"],
        "name": m["name"],
        "modality": m["modality"],
        "domain": m["domain"],
        "summary": Block(f"{sentence(rng)} {sentence(rng)}", ">-"),
        "arch": {
            "type": m["arch"],
            "backbone": f"src/models/{m['id']}/modeling.py",
            "parameters": params_text(m),
            "context_length": ctx,
            "special_features": rng.sample(WORDS["feature"], 3),
        },
        "tokenizer": {"type": m["tokenizer"], "notes": sentence(rng)},
        "context_length": m["ctx"],
        "checkpoints": [
            {"name": f"{m['id']}-{s}", "path": f"{hf}-{s}", "context_length": m["ctx"]}
            for s in ("base", "large")[: rng.randint(1, 2)]
        ],
        "repo": f"https://github.com/{hub}",
        "weights": {"huggingface": [hf]},
        "license": {
            "code": rng.choice(WORDS["license"]),
            "weights": rng.choice(WORDS["license"]),
            "data": sentence(rng),
        },
        "datasets": [r(rng, pl.dataset(rng.randrange(n_ds))) for _ in range(rng.randint(1, 4))],
        "tasks": rng.sample(WORDS["task"], rng.randint(1, 4)),
        "how_to_infer": {
            "huggingface": Block(
                f'from transformers import AutoModel\nmodel = AutoModel.from_pretrained("{hub}")\n'
            )
        },
        "integrations": [
            r(rng, pl.integration(rng.randrange(n_int))) for _ in range(rng.randint(0, 2))
        ],
        "tags": rng.sample(WORDS["tag"], rng.randint(2, 5)),
        "verified": rng.random() < 0.3,
        "last_updated": DATE,
        "notes": Block(sentence(rng), ">-"),
    }
    return dump(card)


def paper_card(r: Refs, p: int, rng: random.Random) -> str:
    pl = r.plan
    stem, year, m = pl.paper(p)
    models = [m] if m is not None else [rng.randrange(pl.n["model"]) for _ in range(2)]
    related = [r(rng, f"kb/model_cards/{pl.model(x)['id']}.yaml") for x in models]
    related += [r(rng, d) for x in models if (d := pl.model_doc(x))]
    head = pl.model(m)["name"] if m is not None else f"A review of {WORDS['topic'][p % 8]}"
    arxiv = f"{year % 100:02d}{rng.randint(1, 12):02d}.{rng.randint(0, 99999):05d}"
    card = {
        "title": f"{head}: {sentence(rng)[:-1]}",
        "authors": Flow(
            [f"{rng.choice(WORDS['surname'])}, {chr(65 + rng.randrange(26))}.", "et al."]
        ),
        "year": year,
        "venue": f"{rng.choice(WORDS['venue'])} {year}",
        "pdf_source": f"https://arxiv.org/abs/{arxiv}",
        "local_pdf_path": f"docs/generated/kb_curated/papers-pdf/{stem}.pdf",
        Gap(): None,
        "summary": Block("\n".join(sentence(rng) for _ in range(3))),
        Gap(): None,
        "key_contributions": [sentence(rng) for _ in range(rng.randint(2, 4))],
        Gap(): None,
    }
    if m is not None and rng.random() < 0.5:
        # Papers restate a model's context length, sometimes as prose: conflict material.
        f = pl.model(m)
        ctx = f"up to {f['ctx']:,} tokens" if p % 4 else f["ctx"]
        card["architecture"] = {"backbone": f["arch"], "context_length": ctx}
        card[Gap()] = None
    card["related_to"] = related
    card[Gap()] = None
    card["verification_status"] = "needs_human_review"
    card["tags"] = Flow(rng.sample(WORDS["tag"], 4))
    return dump(card)


def dataset_card(r: Refs, k: int, rng: random.Random) -> str:
    did = r.plan.dataset(k)
    cohort, mod = did.split("_")[:2]
    card = {
        "id": did,
        "name": f"{cohort.upper()} {mod} collection {k}",
        "description": Block(sentence(rng)),
        "storage_location": {"bucket": f"s3://{cohort}-{mod}-derived", "path": f"v{k}/"},
        "schema_ref": r(rng, f"{r.plan.doc(k % r.plan.n_docs)}#comparison"),
        "dtypes": "parquet / csv",
        "required_columns": ["eid", f"{mod}_path", "session_id"][: rng.randint(1, 3)],
        "counts": {"subjects": Raw(f"{rng.randint(1, 500)}_{rng.randint(0, 999):03d}")},
        "modalities": [mod],
        "access": rng.choice(["public", "restricted", "controlled"]),
        "restrictions": sentence(rng),
        "verified": rng.random() < 0.5,
        "last_updated": DATE,
    }
    return dump(card)


def integration_card(r: Refs, c: int, rng: random.Random) -> str:
    pl = r.plan
    iid = pl.integration(c)
    name = iid.replace("_", " ").capitalize()
    card: dict = {"id": iid, "name": name, "summary": sentence(rng), "status": "drafting"}
    n_exp, n_ds = pl.n["experiment"], pl.n["dataset"]
    if iid.startswith("embedding_strategies"):
        card["strategies"] = {
            pl.strategy(c, j): {
                "modality": MODS[j],
                "source": sentence(rng),
                "preprocessing": [
                    "z-score per feature within each fold",
                    "residualize(age, sex, site)",
                ],
                "projector": {
                    "type": "PCA",
                    "dim": (32, 64, 128, 512)[j % 4],
                    "fit_on": "train_fold",
                },
                "intended_use": [r(rng, pl.experiment(rng.randrange(n_exp))[0])],
                "sources": [r(rng, f"kb/datasets/{pl.dataset(rng.randrange(n_ds))}.yaml")],
            }
            for j in range(STRATEGIES_PER_REGISTRY)
        }
    elif iid.startswith("harmonization_methods"):
        card["methods"] = {
            f"{WORDS['topic'][j]}_method_{c}_{j}": {
                "type": rng.choice(["statistical", "deep_unsupervised", "none"]),
                "modality": MODS[j],
                "description": sentence(rng),
                "intended_use": [r(rng, pl.experiment(rng.randrange(n_exp))[0])],
            }
            for j in range(4)
        }
    else:
        n_models = pl.n["model"]
        card["models"] = [
            r(rng, pl.model(rng.randrange(n_models))["id"]) for _ in range(rng.randint(2, 5))
        ]
        card["datasets"] = [
            r(rng, pl.dataset(rng.randrange(n_ds))) for _ in range(rng.randint(1, 3))
        ]
        card["pipelines"] = [f"scripts/{WORDS['topic'][c % 8]}.py run", sentence(rng)]
        card["outputs"] = [{"path": f"integration/{iid}/v1/", "description": sentence(rng)}]
    card["verified"] = False
    card["last_updated"] = DATE
    return dump(card)


def experiment(r: Refs, k: int, rng: random.Random) -> str:
    pl = r.plan
    _, analysis, mods = pl.experiment(k)
    registry = REGISTRY_EVERY * rng.randrange(pl.n_registries)
    mid = pl.model(rng.randrange(pl.n["model"]))["id"]
    paper = pl.paper(rng.randrange(pl.n["paper"]))[0]
    n_ds = pl.n["dataset"]
    card = {
        "experiment_name": f"{analysis.upper()}: {mods[0]} × {mods[1]} run {k}",
        "objective": sentence(rng),
        "status": "template",
        "created": Raw('"2025-11-17"'),
        Gap(): None,
        "datasets": {
            mo: {
                "source": r(rng, f"kb/datasets/{pl.dataset(rng.randrange(n_ds))}.yaml"),
                "n_subjects": "TBD",
            }
            for mo in mods
        },
        Gap(): None,
        "embedding_strategies": {mo: r(rng, pl.strategy(registry, MODS.index(mo))) for mo in mods},
        Gap(): None,
        "feature_preparation": {
            mods[0]: {
                "model": r(rng, mid),
                "model_card": r(rng, f"kb/model_cards/{mid}.yaml"),
                "pooling": "mean",
                "project_to": Raw("512  # via PCA"),
            }
        },
        "cross_validation": {"strategy": "StratifiedGroupKFold", "k_folds": 5, "seed": 42},
        Gap(): None,
        "references": [
            r(rng, pl.doc(rng.randrange(pl.n_docs))),
            r(rng, f"kb/paper_cards/{paper}.yaml"),
        ],
        "notes": Block(sentence(rng)),
    }
    return "---\n" + dump(card)
