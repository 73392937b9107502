"""What a synthetic KB contains: word lists, entity counts, and ids as pure functions.

Every id and headline fact (name, modality, parameters, context length, year) is a function
of (kind, index, seed), so a card, a paper or a doc can refer to any entity without the
generator remembering anything: that is what keeps 100k-card generation in bounded memory.
"""

from __future__ import annotations

import random
import re


def _lists(text: str) -> dict[str, list[str]]:
    """Parse ``name: a | b | c`` lines into word lists."""
    rows = (line.split(":", 1) for line in text.strip().splitlines())
    return {k.strip(): [w.strip() for w in v.split("|")] for k, v in rows}


WORDS = _lists("""
prefix: Neuro | Geno | Cortex | Helix | Syn | Axon | Seq | Omni | Voxel | Nucleo | Chroma | Gyro | Glia | Theta | Spectra | Locus
stem: LM | Former | Mamba | JEPA | BERT | Hyena | MAE | Net | GPT | Diff | ViT | Mixer
opener: Self-supervised | Long-context | Multimodal | Masked | Contrastive | Autoregressive | Equivariant | Sparse | Hierarchical | Lightweight
noun: encoder | foundation model | language model | autoencoder | transformer | state-space model
purpose: subject-level embeddings | variant effect prediction | cortical dynamics | site-robust representations | cross-modal alignment | expression forecasting | parcel time series | regulatory element detection
data: population cohorts | multi-site scans | reference genomes | paired imaging and genotype data | longitudinal cohorts | whole-slide images | clinical notes | resting-state recordings
feature: rotary positions | patch masking | gated convolutions | sparse attention | token merging | strand symmetry | learned pooling | adapter layers | window attention | mixture of experts
task: masked_language_modeling | variant_effect_prediction | embedding_export | zero_shot_prediction | age_regression | sex_classification | genomics_classification | forecasting | segmentation
tag: long-context | mae | fmri | ukb | masked-modeling | contrastive | equivariant | tabular | pathology | eeg | dna | hcp | flash-attn | multimodal | benchmark
license: Apache-2.0 | MIT | CC-BY-NC-4.0 | CC-BY-NC-ND-4.0 | BSD-3-Clause | GPL-3.0
venue: NeurIPS | ICML | ICLR | Nature Methods | Cell Systems | Bioinformatics | MICCAI | NeuroImage
surname: Kim | Park | Garcia | Müller | Okafor | Rossi | Tanaka | Novak | Silva | Chen | Haddad | Larsen | Ivanova | Dubois | Kaur | Moreau
cohort: ukb | hcp | abcd | adni | cha | enigma | gtex | tcga
topic: alignment | harmonization | fusion | preprocessing | attribution | probing | retrieval | qc
analysis: cca | prediction | logo | dimsearch | ablation
""")
# (modality, domain, architectures, tokenizer, context lengths) for model cards.
DOMAINS = [
    ("genetics", "dna", ["RC-equivariant Hyena", "BiMamba", "Transformer encoder"], "character (1 bp)", [1024, 32768, 131072, 1048576]),
    ("brain", "fmri", ["ViT-MAE", "Swin Transformer", "JEPA encoder"], "continuous patches", [490, 4096, 207760]),
    ("brain", "smri", ["3D ViT", "Mamba-Transformer"], "volumetric patches", [512, 2048, 8192]),
    ("brain", "eeg", ["Conformer", "Transformer encoder"], "channel windows", [1000, 5000]),
    ("multimodal", "multimodal", ["Vision-language decoder", "Mixture-of-Transformers"], "BPE (32k)", [2048, 8192, 32768]),
]  # fmt: skip
MODS = [
    "genetics",
    "smri",
    "fmri",
    "eeg",
    "behaviour",
    "text",
    "pathology",
    "multimodal",
]  # kg.vocab ids
PARAMS_M = [8, 35, 111, 150, 350, 650, 1300, 7000, 40000]
SHARES = {"model": 0.40, "paper": 0.35, "dataset": 0.15, "integration": 0.05}  # experiment = rest
REGISTRY_EVERY = 20  # integration cards 0, 20, 40, ... are strategy registries; 10, 30, ... methods
STRATEGIES_PER_REGISTRY = 8


def _h(i: int, salt: int) -> int:
    """A cheap deterministic hash, so a fact about entity i is computable from anywhere."""
    return (((i + 1) * 2654435761) ^ (salt * 40503 + 0x9E3779B9)) & 0xFFFFFFFF


def sentence(rng: random.Random) -> str:
    """One plausible sentence built from the word lists."""
    w = WORDS
    return (
        f"{rng.choice(w['opener'])} {rng.choice(w['noun'])} for {rng.choice(w['purpose'])}, "
        f"trained on {rng.choice(w['data'])} with {rng.choice(w['feature'])}."
    )


def params_text(m: dict) -> str:
    """The parameter count as cards write it: ``~150M (d_model=256, n_layer=16)``."""
    p = m["params_m"]
    size = f"{p / 1000:g}B" if p >= 1000 else f"{p}M"
    return f"~{size} (d_model={m['d_model']}, n_layer={8 + p % 17})"


class Plan:
    """Entity counts for one KB and the functions that name entities and their facts."""

    def __init__(self, n_cards: int, seed: int, broken: float):
        self.seed, self.broken = seed, broken
        n = {k: max(1, round(n_cards * s)) for k, s in SHARES.items()}
        n["experiment"] = max(1, n_cards - sum(n.values()))
        self.n = n
        self.n_docs = max(1, n_cards // 10)
        self.n_registries = (n["integration"] + REGISTRY_EVERY - 1) // REGISTRY_EVERY

    def model(self, i: int) -> dict:
        """Headline facts of model i (docs and papers repeat them, so they must agree)."""
        h = _h(i, self.seed)
        mod, dom, archs, tok, ctxs = DOMAINS[h % len(DOMAINS)]
        name = f"{WORDS['prefix'][(h >> 4) % 16]}{WORDS['stem'][(h >> 8) % 12]}-{i}"
        return {
            "id": name.lower().replace("-", "_"),
            "name": name,
            "modality": mod,
            "domain": dom,
            "arch": archs[(h >> 16) % len(archs)],
            "tokenizer": tok,
            "params_m": PARAMS_M[(h >> 12) % len(PARAMS_M)],
            "ctx": ctxs[(h >> 20) % len(ctxs)],
            "d_model": 128 << ((h >> 24) % 4),
        }

    def dataset(self, k: int) -> str:
        h = _h(k, self.seed + 1)
        return f"{WORDS['cohort'][h % 8]}_{MODS[(h >> 3) % 7]}_{k}"

    def integration(self, c: int) -> str:
        if c % REGISTRY_EVERY == 0:
            return "embedding_strategies" if c == 0 else f"embedding_strategies_{c}"
        if c % REGISTRY_EVERY == REGISTRY_EVERY // 2:
            return f"harmonization_methods_{c}"
        h = _h(c, self.seed + 2)
        return f"{WORDS['cohort'][h % 8]}_{WORDS['topic'][(h >> 3) % 8]}_{c}"

    def strategy(self, c: int, j: int) -> str:
        """Strategy j (one per entry of MODS) of the registry card with index c."""
        topic = WORDS["topic"][(c + j) % 8]
        return f"{MODS[j]}_{topic}_pca{(32, 64, 128, 512)[j % 4]}_v{c // REGISTRY_EVERY + 1}"

    def experiment(self, k: int) -> tuple[str, str, list[str]]:
        """(file stem, analysis, the two modalities it pairs) of experiment k."""
        h = _h(k, self.seed + 3)
        a, m1 = WORDS["analysis"][h % 5], (h >> 3) % 4
        mods = [MODS[m1], MODS[(m1 + 1 + (h >> 6) % 3) % 4]]
        return f"{k:02d}_{a}_{mods[0]}_{mods[1]}", a, mods

    def paper(self, p: int) -> tuple[str, int, int | None]:
        """(file stem, year, index of the model it describes or None for a review)."""
        year = 2019 + _h(p, self.seed + 4) % 7
        if p % 10 == 9:
            return f"{WORDS['topic'][p % 8]}_review_{p}_{year}", year, None
        m = p % self.n["model"]
        return f"{self.model(m)['id']}_{year}", year, m

    def doc(self, j: int) -> str:
        """Path of doc j: three in five document one model, the rest are guides."""
        if j % 5 < 3 and j < self.n["model"]:
            return f"docs/models/{self.model(j)['modality']}/{self.model(j)['id']}.md"
        folder = "integration" if j % 5 == 3 else "guide"
        return f"docs/{folder}/{WORDS['topic'][j % 8]}_{j}.md"

    def model_doc(self, i: int) -> str | None:
        """The doc of model i, when it has one."""
        return self.doc(i) if i < self.n_docs and i % 5 < 3 else None


class Refs:
    """Counts the references written and turns a set fraction into near-miss typos."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.total = 0
        self.broken = 0

    def __call__(self, rng: random.Random, target: str) -> str:
        self.total += 1
        if rng.random() >= self.plan.broken:
            return target
        self.broken += 1
        # Drop the 2nd letter of the file name's first word: a near miss ("did you mean")
        # that no real id can equal, since ids are built from whole words and numbers.
        cut = _WORD.search(target, target.rfind("/") + 1)
        if cut is None:
            return target + "_x"
        return target[: cut.start() + 1] + target[cut.start() + 2 :]


_WORD = re.compile(r"[A-Za-z]{3,}")
