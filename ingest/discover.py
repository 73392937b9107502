"""Find the source files of a KB and what kind each one is.

Kinds by folder (the nearest matching folder name wins): `model_cards/` → model_card,
`paper_cards/` → paper_card, `datasets/` → dataset_card, `integration_cards/` →
integration_card, `experiments/` (e.g. `configs/experiments/`) → experiment, for .yaml/.yml
files; every .md file anywhere (READMEs included) is a doc. `kg.toml` [folders] rules are
tried first, `exclude` globs are never ingested.

Skipped on purpose: hidden files and folders (".*", which includes the ".kg" state folder),
and card templates — `template.yaml`, `*.template.yaml`, any file whose stem is `template`
or starts with `_template`. Experiment configs named `*_template.yaml` are *kept*: in this
KB they are real, named configs whose `status` is "template", and other configs and
strategies refer to them.

Symlinks are followed only inside the KB root; one pointing outside gives a warning and is
not read. Oversized files are still listed (their hash is computed by streaming) so that
`parse_source` reports them and the pipeline keeps their last good version.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path, PurePosixPath

from ingest.kb_config import KBConfig, glob_regex
from kg.ir import Finding, SourceFile

FOLDER_KINDS = {
    "model_cards": "model_card",
    "paper_cards": "paper_card",
    "datasets": "dataset_card",
    "integration_cards": "integration_card",
    "experiments": "experiment",
}
YAML_EXT = (".yaml", ".yml")
DOC_EXT = (".md", ".markdown")
STATE_FOLDER = ".kg"


def is_template(name: str) -> bool:
    """Card templates are not cards: template.yaml, x.template.yaml, _template*.yaml."""
    lower = name.lower()
    stem = PurePosixPath(lower).stem
    return (
        stem == "template"
        or stem.startswith("_template")
        or lower.endswith((".template.yaml", ".template.yml"))
    )


def _fits(kind: str, name: str) -> bool:
    return name.lower().endswith(DOC_EXT if kind == "doc" else YAML_EXT)


class _Classifier:
    def __init__(self, config: KBConfig):
        self.rules = [(glob_regex(g), k) for g, k in config.folders.items()]
        self.exclude = [glob_regex(g) for g in config.exclude]

    def excluded(self, rel: str) -> bool:
        return any(rx.match(rel) for rx in self.exclude)

    def kind(self, rel: str) -> str | None:
        name = rel.rsplit("/", 1)[-1]
        for rx, kind in self.rules:
            if rx.match(rel) and _fits(kind, name):
                return kind
        lower = name.lower()
        if lower.endswith(DOC_EXT):
            return "doc"
        if lower.endswith(YAML_EXT):
            for folder in reversed(rel.split("/")[:-1]):
                if folder in FOLDER_KINDS:
                    return FOLDER_KINDS[folder]
        return None


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def discover(
    kb_root: Path, config: KBConfig, max_file_bytes: int
) -> tuple[list[SourceFile], list[Finding]]:
    """Every source file under `kb_root` with its kind and sha256, sorted by path.

    `max_file_bytes` is not a filter: oversized files are listed for `parse_source` to refuse
    with a finding, so a too-big edit keeps the file's last good version.
    """
    root = Path(kb_root).resolve()
    classify = _Classifier(config)
    sources: list[SourceFile] = []
    findings: list[Finding] = []
    seen_dirs = {str(root)}
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            findings.append(
                Finding(
                    "warning",
                    "unreadable",
                    prefix or ".",
                    1,
                    f"folder cannot be read: {exc.strerror}",
                    "check its permissions",
                )
            )
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue  # hidden files and folders, including the .kg state folder
            rel = f"{prefix}{entry.name}"
            if classify.excluded(rel):
                continue
            try:
                is_link = entry.is_symlink()
                if is_link:
                    target = Path(os.path.realpath(entry.path))
                    if not target.exists():
                        findings.append(
                            Finding(
                                "warning",
                                "broken-symlink",
                                rel,
                                1,
                                "symlink points to nothing",
                                "remove it or fix its target",
                            )
                        )
                        continue
                    if target != root and root not in target.parents:
                        findings.append(
                            Finding(
                                "warning",
                                "outside-root",
                                rel,
                                1,
                                f"symlink points outside the KB root ({target}); it is not followed",
                                "copy the file into the KB instead of linking to it",
                            )
                        )
                        continue
                if entry.is_dir(follow_symlinks=True):
                    real = os.path.realpath(entry.path)
                    if real not in seen_dirs:  # a symlink loop or a second link to one folder
                        seen_dirs.add(real)
                        stack.append((Path(entry.path), rel + "/"))
                    continue
                if not entry.is_file(follow_symlinks=True) or is_template(entry.name):
                    continue
                kind = classify.kind(rel)
                if kind is None:
                    continue
                sources.append(SourceFile(path=rel, kind=kind, sha256=sha256_of(Path(entry.path))))
            except OSError as exc:
                findings.append(
                    Finding(
                        "warning",
                        "unreadable",
                        rel,
                        1,
                        f"file cannot be read: {exc.strerror or exc}",
                        "check its permissions",
                    )
                )
    sources.sort(key=lambda s: s.path)
    return sources, findings
