"""A small KB for the assistant's tests: three models, two datasets, a paper, a registry
card with members, an experiment and a doc, written as real files (see conftest.make_kb)."""

from __future__ import annotations

FILES: dict[str, str] = {
    "kb/model_cards/helix.yaml": """
        id: helix
        name: Helix-7
        aliases: [HelixLM]
        modality: genetics
        summary: >-
          Long-range DNA language model with reverse-complement equivariant blocks.
        arch:
          type: RC-equivariant Hyena
          parameters: "~150M (d_model=256)"
          context_length: 131072
        tokenizer:
          type: character (1 bp)
        license:
          code: Apache-2.0
          weights: Apache-2.0
        datasets:
          - genome_ref
        tags:
          - long-context
        last_updated: 2025-11-15
        notes: Set rc_aug=true when using non-equivariant checkpoints.
    """,
    "kb/model_cards/cortex.yaml": """
        id: cortex
        name: CortexLM
        modality: fmri
        summary: Masked autoencoder over parcellated fMRI time series.
        arch:
          type: ViT-MAE
          parameters: 111M
          context_length: 4096
        tokenizer:
          type: patch embedding
        license:
          code: MIT
        datasets:
          - brain_scans
        tags:
          - flash-attn
        last_updated: 2025-11-18
    """,
    "kb/model_cards/tiny.yaml": """
        id: tiny
        name: TinyDNA
        modality: genetics
        arch:
          type: BERT encoder
          parameters: 7M
          context_length: 512
        tokenizer:
          type: BPE
        license:
          code: MIT
        datasets:
          - genome_ref
        last_updated: 2025-11-18
    """,
    "kb/datasets/genome_ref.yaml": """
        id: genome_ref
        name: Genome Reference Corpus
        modality: genetics
        access: public
        counts:
          base_pairs: 3_100_000_000
    """,
    "kb/datasets/brain_scans.yaml": """
        id: brain_scans
        name: Brain Scan Tensors
        modality: fmri
        access: restricted
        counts:
          subjects: 45_000
        harmonization:
          default: none_baseline
    """,
    "kb/paper_cards/cortex_2024.yaml": """
        id: cortex_2024
        title: "CortexLM: A Foundation Model for Brain Activity"
        authors: [Ada Lovelace, Alan Turing]
        year: 2024
        venue: "NeurIPS 2024"
        model_card: kb/model_cards/cortex.yaml
    """,
    "kb/integration_cards/harmonization_methods.yaml": """
        id: harmonization_methods
        name: Harmonization methods
        methods:
          none_baseline:
            type: none
            description: Only z-scoring and covariate residualization.
          combat_smri:
            type: statistical
            reference: "Fortin et al., NeuroImage 2018"
            description: ROI-wise ComBat harmonization prior to PCA.
    """,
    "docs/models.md": """
        # Model overview

        | Model | Context | Parameters |
        |---|---|---|
        | Helix-7 | 1M | 150M |
    """,
    "docs/guide.md": """
        # Embedding guide

        ## Reverse-complement averaging

        Gene embeddings are averaged over the forward and reverse-complement strands
        because the two strands carry the same information, so the averaged vector is
        strand-invariant and stable across runs.

        ## Pitfalls

        Pitfalls
        - Never fit the projection on all data.
        - Keep the folds fixed across models.
    """,
}


def build(root, embed: bool = True, files: dict[str, str] | None = None, **retrieval):
    """Write `files` (default FILES) under `root`/kb, ingest into `root`/home (hash
    embedder), return the KB."""
    import textwrap
    from pathlib import Path

    from kg.knowledge_base import KnowledgeBase
    from kg.settings import RetrievalSettings, Settings

    kb_dir = Path(root) / "kb"
    for rel, text in (FILES if files is None else files).items():
        p = kb_dir / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    settings = Settings(
        kb=kb_dir,
        home=Path(root) / "home",
        retrieval=RetrievalSettings(embedder="hash", embed=embed, **retrieval),
    )
    kb = KnowledgeBase(settings)
    kb.ingest()
    return kb
