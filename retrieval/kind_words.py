"""The words questions use for the kinds of entity ("models", "corpora", "paper")."""

from __future__ import annotations

# Words naming an entity kind (singular, lower case; plurals are folded before lookup).
KIND_WORDS: dict[str, str] = {
    "model": "model",
    # A modality's encoder is a model ("the DNA encoder that learns byte-pair tokens").
    "dna encoder": "model",
    "fmri encoder": "model",
    "foundation model": "model",
    "fm": "model",
    "llm": "model",
    "language model": "model",
    "model card": "model",
    "dataset": "dataset",
    "data set": "dataset",
    "corpus": "dataset",
    "corpora": "dataset",
    "benchmark": "dataset",
    "cohort": "dataset",
    "pretraining genome": "dataset",  # "the pretraining genome of the DNA model …"
    "paper": "paper",
    "publication": "paper",
    "article": "paper",
    "published work": "paper",
    "study": "paper",  # "a prior MDD study": the paper reporting it (terms.link_kinds)
    "paper card": "paper",
    "experiment": "experiment",
    "config": "experiment",
    "experiment config": "experiment",
    "configuration": "experiment",
    "strategy": "strategy",
    "strategie": "strategy",
    "embedding recipe": "strategy",
    "embedding strategy": "strategy",
    "embedding strategie": "strategy",
    "method": "method",
    # Harmonization methods go by what they are to a pipeline: an option, a hook, a module.
    "harmonization option": "method",
    "harmonization hook": "method",
    "harmonization module": "method",
    "harmonization approach": "method",
    "harmonization approache": "method",  # the stem of "approaches" (as "strategie")
    "harmonization technique": "method",
    "harmonization alternative": "method",
    "harmonizer": "method",
    "pipeline": "pipeline",
    "preprocessing stack": "pipeline",
    "stack": "pipeline",
    "integration pattern": "integration",
    "pattern": "integration",
    "integration card": "integration",
    "doc": "doc",
    "documentation": "doc",
    "model doc": "doc",
    "model documentation": "doc",
    "model page": "doc",
    "walkthrough": "doc",
    "guide": "doc",
}

# Words of a kind that a named thing of another kind may also use ("the ABCD Study").
STUDY_WORDS = {"study"}
