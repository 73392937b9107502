"""The modality vocabulary as a source of its own, so `has_modality` references resolve.

Each concept of kg.vocab.MODALITIES becomes an entity of kind "modality" (id = concept id,
name = preferred label, aliases = synonyms) with its label and synonyms as attributes.
The source path is "<vocab>" and every line is 0: the facts come from code, not a file.
"""

from __future__ import annotations

import hashlib

from kg.ir import Attribute, Entity, ParsedSource, Provenance, SourceFile
from kg.vocab import MODALITIES

VOCAB_PATH = "<vocab>"


def vocabulary_source() -> ParsedSource:
    """The modality vocabulary as a ParsedSource (include it in the list given to `link`)."""
    digest = hashlib.sha256(repr(sorted(MODALITIES.items())).encode()).hexdigest()
    out = ParsedSource(source=SourceFile(path=VOCAB_PATH, kind="vocabulary", sha256=digest))
    for mid, spec in MODALITIES.items():
        prov = Provenance(VOCAB_PATH, 0, 0, f"modalities.{mid}")
        synonyms = [s for s in spec["synonyms"] if s != mid]
        out.entities.append(Entity(mid, "modality", spec["label"], prov, synonyms))
        out.attributes.append(Attribute(mid, "label", spec["label"], spec["label"], prov, "name"))
        for i, syn in enumerate(spec["synonyms"]):
            out.attributes.append(Attribute(mid, f"synonyms[{i}]", syn, syn, prov))
    return out
