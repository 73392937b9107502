"""Which card fields hold references, and how a leaf value becomes `Reference`s.

Three shapes are recognised: bare ids in known reference fields (`datasets[]`, `cohort`,
`intended_use[]`, ...), KB paths (`kb/datasets/ukb_wes.yaml`, `docs/x.md#anchor`), and dotted
registry refs (`embedding_strategies.smri_x`). Paths and dotted refs are also picked out of
any other text field. Patterns are matched against the path *relative to the entity that
owns the leaf*, so a strategy's `intended_use[]` is the same rule as a card's.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache

from ingest.citations import cited_key
from ingest.properties import matches, parse_pattern
from kg.ir import Finding, Provenance, Reference

# (pattern, predicate, expected kinds). The first matching pattern wins.
REF_FIELDS: list[tuple[tuple[str, ...], str, tuple[str, ...]]] = [
    (parse_pattern(p), pred, kinds)
    for p, pred, kinds in [
        ("datasets[]", "uses_dataset", ("dataset",)),
        ("datasets.*", "uses_dataset", ("dataset",)),
        ("datasets.*.source", "uses_dataset", ("dataset",)),
        ("cohort", "uses_dataset", ("dataset",)),
        ("models[]", "uses_model", ("model",)),
        ("model", "uses_model", ("model",)),
        ("embedding_models[]", "uses_model", ("model",)),
        ("feature_preparation.*.model", "uses_model", ("model",)),
        ("**.model_card", "uses_model", ("model",)),
        ("backbone_fm.candidates[]", "uses_model", ("model",)),
        ("integrations[]", "uses_integration", ()),
        ("related_to[]", "related_to", ()),
        ("related_to", "related_to", ()),
        ("related_models[]", "related_to", ("model",)),
        ("intended_use[]", "intended_for", ("experiment",)),
        ("embedding_strategies.**", "uses_strategy", ("strategy",)),
        ("**.reference_strategy", "uses_strategy", ("strategy",)),
        ("**.base_strategy", "uses_strategy", ("strategy",)),
        ("inputs.**.examples[]", "uses_strategy", ("strategy",)),
        ("source", "refers_to", ()),
        ("source[]", "refers_to", ()),
        ("**.preprocessing_pipeline", "refers_to", ("pipeline",)),
        ("harmonization.**", "uses_method", ("method",)),
        ("harmonization_options.**", "uses_method", ("method",)),
        ("**.harmonization_hooks[]", "uses_method", ("method",)),
        ("preprocessing.harmonization.**", "uses_method", ("method",)),
        ("alternatives[]", "uses_method", ("method",)),
        ("**.sources[]", "refers_to", ()),
        ("**.references[]", "refers_to", ()),
        ("**.reference", "refers_to", ()),
        ("**.reference_card", "refers_to", ()),
        ("**.recipe", "documented_in", ("doc",)),
        ("schema_ref", "documented_in", ("doc",)),
        ("summary_md_path", "documented_in", ("doc",)),
        ("embedding_recipe_ref", "refers_to", ()),
    ]
]
# Code snippets mention config paths of other repositories; they are not KB references.
NO_SCAN_ROOTS = {"how_to_infer", "inference_api", "ci_checks"}

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_TRAILING_NOTE = re.compile(r"\s*\((?:[^()]*)\)\s*$")
_KB_PATH = re.compile(
    r"(?<![\w/.:~-])((?:\.{1,2}/)*(?:[\w.\-]+/)*[\w.\-]+\.(?:ya?ml|md))(#[\w.\-]+)?(?![\w/])"
)
_DOTTED = re.compile(
    r"(?<![\w./-])([a-z][a-z0-9_]*_(?:strategies|methods|pipelines|recipes|patterns))\.([A-Za-z0-9_\-]+)(?![\w/])"
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
REF_EXTENSIONS = (".yaml", ".yml", ".md")
_CITATION_CHARS = 120  # "Liu & Yap, Communications Engineering 2024 (MURD)"; longer text is prose


@lru_cache(maxsize=8192)
def ref_rule(rel_shape: tuple[str, ...]) -> tuple[str, tuple[str, ...]] | None:
    """(predicate, expected kinds) when a path (relative to its entity) is a reference field."""
    for pattern, pred, kinds in REF_FIELDS:
        if matches(pattern, rel_shape):
            return pred, kinds
    return None


def strip_note(text: str) -> str:
    """`ukb_covariates (coming soon)` → `ukb_covariates`."""
    return _TRAILING_NOTE.sub("", text).strip()


def is_id_like(text: str) -> bool:
    return bool(_ID.match(text)) and not text.replace(".", "").replace("-", "").isdigit()


def is_path_like(text: str) -> bool:
    return (
        ("/" in text or text.endswith(REF_EXTENSIONS))
        and " " not in text
        and not _SCHEME.match(text)
    )


def outside_root(source: str, path: str) -> bool:
    """True when a path is absolute or escapes the KB root from the root and from its file."""
    if path.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:[\\/]", path):
        return True
    bare = path.split("#", 1)[0]
    from_root = posixpath.normpath(bare)
    from_file = posixpath.normpath(posixpath.join(posixpath.dirname(source), bare))
    return from_root.startswith("..") and from_file.startswith("..")


class RefCollector:
    """Turns leaf values into References (and outside-root findings) for one source."""

    def __init__(self, source: str):
        self.source = source
        self.refs: list[Reference] = []
        self.findings: list[Finding] = []

    def _outside(self, prov: Provenance, text: str) -> bool:
        if outside_root(self.source, text):
            self.findings.append(
                Finding(
                    "warning",
                    "outside-root",
                    self.source,
                    prov.line_start,
                    f"'{prov.path}' points outside the KB root: '{text}'",
                    "reference files inside the KB with a path relative to its root",
                )
            )
            return True
        return False

    def add_path(
        self, subject: str, predicate: str, text: str, prov: Provenance, kinds: tuple[str, ...] = ()
    ) -> None:
        """A path reference; only .yaml/.yml/.md files can name entities."""
        text = text.removeprefix("./")
        if self._outside(prov, text):
            return
        if text.split("#", 1)[0].endswith(REF_EXTENSIONS):
            self.refs.append(Reference(subject, predicate, text, prov, kinds))

    def field(
        self, subject: str, rule: tuple[str, tuple[str, ...]], value: str, prov: Provenance
    ) -> bool:
        """A leaf of a reference field. Returns True when the whole value was a reference."""
        predicate, kinds = rule
        text = strip_note(value)
        if not text:
            return False
        if is_path_like(text):
            self.add_path(subject, predicate, text, prov, kinds)
            return True
        if is_id_like(text):
            self.refs.append(Reference(subject, predicate, text, prov, kinds))
            return True
        cited = (
            cited_key(text) if predicate == "refers_to" and len(text) <= _CITATION_CHARS else None
        )
        if cited:
            self.refs.append(Reference(subject, predicate, cited, prov, ("paper",), citation=True))
            return True
        return False

    def scan(
        self,
        subject: str,
        value: str,
        prov: Provenance,
        predicate: str | None = None,
        bare_files: bool = True,
    ) -> None:
        """Pick KB paths and dotted registry refs out of free text.

        `bare_files=False` ignores file names without a folder ("config.yaml"), which in docs
        are usually examples rather than references.
        """
        for m in _KB_PATH.finditer(value):
            if not bare_files and "/" not in m.group(1):
                continue
            path = m.group(1) + (m.group(2) or "")
            pred = predicate or ("documented_in" if m.group(1).endswith(".md") else "refers_to")
            self.add_path(subject, pred, path, prov)
        for m in _DOTTED.finditer(value):
            registry = m.group(1)
            pred = predicate or (
                "uses_strategy"
                if registry.endswith("strategies")
                else "uses_method"
                if registry.endswith("methods")
                else "refers_to"
            )
            self.refs.append(Reference(subject, pred, f"{registry}.{m.group(2)}", prov))
        for m in re.finditer(r"(?<![\w.])((?:\.\./){2,}[\w./\-]+|/etc/[\w./\-]+)", value):
            self._outside(prov, m.group(1))
