"""Controlled vocabulary: namespaces, canonical properties and the modality vocabulary.

One place decides what a card field means, so parsers, stores, comparison tables and the
assistant agree on names.
"""

from __future__ import annotations

DEFAULT_BASE_IRI = "https://neuro-omics-kg.org/kb"
ONTOLOGY_IRI = "https://neuro-omics-kg.org/ontology#"  # prefix `nokg:`

# Canonical property -> (YAML paths that carry it, by card kind "*" = any; datatype; label).
# The first path that exists in a card wins for the "primary" value; every path is still
# kept as an attribute, so nothing is lost.
PROPERTIES: dict[str, dict] = {
    "name": {"paths": ["name", "title", "experiment_name"], "type": "string", "label": "Name"},
    "summary": {
        "paths": ["summary", "description", "objective"],
        "type": "string",
        "label": "Summary",
    },
    "modality": {
        "paths": ["modality", "modalities", "modalities[]", "domain"],
        "type": "modality",
        "label": "Modality",
    },
    "domain": {"paths": ["domain"], "type": "string", "label": "Domain"},
    "architecture": {
        "paths": ["arch.type", "architecture.type", "architecture.backbone"],
        "type": "string",
        "label": "Architecture",
    },
    "parameters": {
        "paths": ["arch.parameters", "parameters", "architecture.parameters"],
        "type": "count",
        "label": "Parameters",
    },
    "context_length": {
        "paths": ["context_length", "arch.context_length", "architecture.context_length"],
        "type": "count",
        "label": "Context length",
    },
    "tokenizer": {
        "paths": ["tokenizer.type", "tokenizer", "architecture.tokenization"],
        "type": "string",
        "label": "Tokenizer",
    },
    "checkpoint": {"paths": ["checkpoints[].name"], "type": "string", "label": "Checkpoints"},
    "repo": {"paths": ["repo", "code_links[]", "code_repo"], "type": "uri", "label": "Repository"},
    "license": {
        "paths": ["license.code", "license", "license.weights"],
        "type": "string",
        "label": "License",
    },
    "license_weights": {"paths": ["license.weights"], "type": "string", "label": "Weights license"},
    "dataset": {
        "paths": ["datasets[]", "datasets.*.source", "datasets.*"],
        "type": "ref",
        "label": "Datasets",
    },
    "task": {"paths": ["tasks[]"], "type": "string", "label": "Tasks"},
    "tag": {"paths": ["tags[]"], "type": "string", "label": "Tags"},
    "integration": {"paths": ["integrations[]"], "type": "ref", "label": "Integrations"},
    "title": {"paths": ["title"], "type": "string", "label": "Title"},
    "author": {"paths": ["authors[]"], "type": "string", "label": "Authors"},
    "year": {"paths": ["year", "venue_year"], "type": "year", "label": "Year"},
    "venue": {"paths": ["venue", "venue_year", "journal"], "type": "string", "label": "Venue"},
    "link": {
        "paths": ["pdf_source", "link", "doi", "arxiv", "url"],
        "type": "uri",
        "label": "Link",
    },
    "related": {
        "paths": ["related_to[]", "related_models[]", "models[]"],
        "type": "ref",
        "label": "Related",
    },
    "access": {"paths": ["access"], "type": "string", "label": "Access"},
    "storage": {
        "paths": ["storage_location.*", "storage_location", "storage.*", "storage"],
        "type": "string",
        "label": "Storage location",
    },
    "status": {"paths": ["status", "verification_status"], "type": "string", "label": "Status"},
    "last_updated": {"paths": ["last_updated", "created"], "type": "date", "label": "Last updated"},
    "verified": {"paths": ["verified"], "type": "boolean", "label": "Verified"},
    "objective": {"paths": ["objective"], "type": "string", "label": "Objective"},
    "strategy": {
        "paths": ["embedding_strategies.*", "strategies[]"],
        "type": "ref",
        "label": "Strategies",
    },
    "model": {
        "paths": ["feature_preparation.*.model", "models[]", "model"],
        "type": "ref",
        "label": "Models",
    },
}

# Synonyms people use for properties in questions and in doc-table headers.
PROPERTY_SYNONYMS: dict[str, str] = {
    "context window": "context_length",
    "stored": "storage",
    "storage location": "storage",
    "context size": "context_length",
    "max context": "context_length",
    "sequence length": "context_length",
    "context": "context_length",
    "params": "parameters",
    "parameter count": "parameters",
    "model size": "parameters",
    "size": "parameters",
    "arch": "architecture",
    "architecture type": "architecture",
    "backbone": "architecture",
    "licence": "license",
    "code license": "license",
    "repository": "repo",
    "github": "repo",
    "code": "repo",
    "tokenization": "tokenizer",
    "modalities": "modality",
    "data type": "modality",
    "published": "year",
    "publication year": "year",
    "conference": "venue",
    "journal": "venue",
    "authors": "author",
    "datasets": "dataset",
    "training data": "dataset",
    "tasks": "task",
    "tags": "tag",
}

# Modality vocabulary (SKOS concepts): id -> preferred label and synonyms (lower-case).
MODALITIES: dict[str, dict] = {
    "genetics": {
        "label": "Genetics (DNA)",
        "synonyms": [
            "genetics",
            "genetic",
            "dna",
            "genomics",
            "genomic",
            "genome",
            "omics",
            "wes",
            "wgs",
            "snp",
            "genotype",
            "sequence",
            "nucleotide",
        ],
    },
    "smri": {
        "label": "Structural MRI",
        "synonyms": [
            "smri",
            "s-mri",
            "structural mri",
            "t1",
            "t1w",
            "t2",
            "t2w",
            "anatomical mri",
            "freesurfer",
            "mri",
        ],
    },
    "fmri": {
        "label": "Functional MRI",
        "synonyms": [
            "fmri",
            "f-mri",
            "rs-fmri",
            "rsfmri",
            "resting-state fmri",
            "functional mri",
            "bold",
            "task fmri",
        ],
    },
    "eeg": {"label": "EEG", "synonyms": ["eeg", "electroencephalography", "meg"]},
    "text": {
        "label": "Text",
        "synonyms": ["text", "language", "clinical text", "nlp", "ehr notes", "llm"],
    },
    "medical_imaging": {
        "label": "Medical imaging (CXR/CT)",
        "synonyms": [
            "medical imaging",
            "cxr",
            "chest x-ray",
            "x-ray",
            "ct",
            "radiology",
            "imaging",
            "vision",
            "image",
        ],
    },
    "pathology": {
        "label": "Pathology",
        "synonyms": [
            "pathology",
            "histopathology",
            "wsi",
            "whole-slide",
            "whole slide image",
            "histology",
        ],
    },
    "behaviour": {
        "label": "Behaviour / phenotype",
        "synonyms": [
            "behaviour",
            "behavior",
            "behavioural",
            "behavioral",
            "phenotype",
            "phenotypes",
            "clinical",
            "tabular",
            "covariates",
            "cognition",
        ],
    },
    "brain": {"label": "Brain imaging", "synonyms": ["brain", "neuroimaging", "brain imaging"]},
    "multimodal": {
        "label": "Multimodal",
        "synonyms": ["multimodal", "multi-modal", "vision-language", "vlm"],
    },
}


def modality_for(text: str) -> str | None:
    """Map a free-text modality ("rs-fMRI", "DNA", "T1") to its vocabulary id, or None."""
    t = text.strip().lower().replace("_", " ")
    if t in MODALITIES:
        return t
    for mid, spec in MODALITIES.items():
        if t in spec["synonyms"]:
            return mid
    t2 = t.replace(" ", "").replace("-", "")
    for mid, spec in MODALITIES.items():
        if any(t2 == s.replace(" ", "").replace("-", "") for s in spec["synonyms"]):
            return mid
    return None


# Relation predicates used in the IR -> (RDF term as CURIE, human label). Parsers emit these
# names; the RDF mapping turns them into IRIs; REST and the assistant show the labels.
RELATIONS: dict[str, tuple[str, str]] = {
    "uses_dataset": ("nokg:usesDataset", "uses dataset"),
    "has_modality": ("nokg:hasModality", "has modality"),
    "described_by": ("nokg:describedBy", "described by paper"),  # model -> paper
    "describes": ("nokg:describes", "describes model"),  # paper -> model
    "uses_integration": ("nokg:usesIntegration", "uses integration pattern"),
    "uses_strategy": ("nokg:usesStrategy", "uses embedding strategy"),
    "uses_method": ("nokg:usesMethod", "uses method"),
    "uses_model": ("nokg:usesModel", "uses model"),
    "intended_for": ("nokg:intendedFor", "intended for"),  # strategy/method -> experiment
    "part_of": ("dcterms:isPartOf", "part of"),  # nested registry entity -> its card
    "related_to": ("dcterms:relation", "related to"),
    "links_to": ("nokg:linksTo", "links to"),  # markdown link between docs / doc -> card
    "mentions": ("schema:mentions", "mentions"),  # entity name found in prose
    "documented_in": ("nokg:documentedIn", "documented in"),  # card -> doc path reference
    "refers_to": ("nokg:refersTo", "refers to"),  # any other resolved reference
}
