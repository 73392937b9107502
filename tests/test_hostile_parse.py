"""Hostile input: every bad file yields a finding with a line and a hint, nothing raises,
and the good files of the same KB still yield their entities and links.

The committed files live in tests/data/hostile/; a too-large file and a symlink pointing
outside the KB are made in tmp_path by the test (symlinks are not committed).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from parse_helpers import HOSTILE, entities, findings, relations, write

from ingest.discover import discover
from ingest.kb_config import KBConfig
from ingest.linker import link
from ingest.parse import parse_source
from ingest.vocab_source import vocabulary_source
from kg.ir import SourceFile

LIMIT = 20_000

# path → (finding code, line, whether the file still parses)
EXPECTED = {
    "kb/model_cards/unclosed_bracket.yaml": ("yaml-syntax", 4, False),
    "kb/model_cards/bad_indent.yaml": ("yaml-syntax", 4, False),
    "kb/model_cards/tab_indent.yaml": ("yaml-syntax", 3, False),
    "kb/model_cards/wrong_type_datasets.yaml": ("wrong-type", 3, True),
    "kb/model_cards/wrong_type_name.yaml": ("wrong-type", 2, True),
    "kb/model_cards/dup_id_b.yaml": ("duplicate-id", 1, True),
    "kb/model_cards/duplicate_keys.yaml": ("duplicate-key", 4, True),
    "kb/model_cards/latin1.yaml": ("not-utf8", 2, False),
    "kb/model_cards/binary_nul.yaml": ("binary", 3, False),
    "kb/model_cards/alias_bomb.yaml": ("alias-bomb", 2, False),
    "kb/model_cards/recursive_alias.yaml": ("recursive-alias", 2, False),
    "kb/model_cards/deep_flow.yaml": ("too-deep", 2, False),
    "kb/model_cards/deep_block.yaml": ("too-deep", 67, False),
    "kb/model_cards/empty.yaml": ("empty-file", 1, False),
    "kb/model_cards/only_comments.yaml": ("empty-file", 1, False),
    "kb/model_cards/top_level_list.yaml": ("not-a-mapping", 1, False),
    "kb/model_cards/top_level_scalar.yaml": ("not-a-mapping", 1, False),
    "kb/model_cards/multi_document.yaml": ("multi-document", 5, True),
    "kb/model_cards/python_tag.yaml": ("yaml-tag", 2, True),
    "kb/model_cards/bad_id.yaml": ("bad-id", 1, True),
    "kb/model_cards/missing_id.yaml": ("missing-id", 1, True),
    "kb/model_cards/complex_key.yaml": ("complex-key", 2, True),
    "kb/model_cards/bad_timestamp.yaml": ("yaml-tag", 2, True),
    "kb/model_cards/unknown_modality.yaml": ("unknown-modality", 2, True),
    "kb/model_cards/bom.yaml": ("bom", 1, True),
    "kb/paper_cards/etc_passwd_2024.yaml": ("outside-root", 3, True),
    "kb/datasets/unresolved_refs.yaml": ("unresolved-ref", 4, True),
    "kb/datasets/crlf.yaml": ("unresolved-ref", 4, True),  # CRLF line endings count right
    "kb/integration_cards/wrong_registry.yaml": ("wrong-type", 5, True),
    "configs/experiments/bad_experiment.yaml": ("unresolved-ref", 4, True),
    "docs/unclosed_fence.md": ("unclosed-fence", 5, True),
    "docs/broken_html.md": ("unclosed-html", 3, True),
    "docs/outside_links.md": ("outside-root", 3, True),
    "docs/bad_front_matter.md": ("yaml-syntax", 3, True),
    "docs/latin1.md": ("not-utf8", 3, False),
    "docs/crlf.md": ("unresolved-ref", 3, True),
    "kb/model_cards/huge.yaml": ("too-large", 1, False),  # made by the test
    "kb/model_cards/leak.yaml": ("outside-root", 1, None),  # a symlink made by the test
}


@pytest.fixture(scope="module")
def mixed_kb(tmp_path_factory):
    """Hostile files plus good ones, a too-large file and an outside symlink, linked."""
    root = tmp_path_factory.mktemp("mixed") / "kb"
    shutil.copytree(HOSTILE, root)
    write(
        root,
        {
            "kb/datasets/hg38_reference.yaml": "id: hg38_reference\nname: HG38 corpus\nmodalities: [dna]\n",
            "kb/model_cards/good.yaml": "id: good\nname: Good-Model\ndatasets:\n  - hg38_reference\n",
            "docs/good.md": "# Good\n\nGood-Model uses the [HG38 corpus](../kb/datasets/hg38_reference.yaml).\n",
            "kb/model_cards/huge.yaml": "id: huge\nnotes: " + "x" * (LIMIT + 10) + "\n",
        },
    )
    outside = root.parent / "outside.yaml"
    outside.write_text("id: secret\n")
    os.symlink(outside, root / "kb" / "model_cards" / "leak.yaml")
    sources, discovered = discover(root, KBConfig(), LIMIT)
    t0 = time.perf_counter()
    parsed = [parse_source(root, s, LIMIT) for s in sources]
    linked = link([vocabulary_source(), *parsed])
    elapsed = time.perf_counter() - t0
    return root, {ls.path: ls for ls in linked}, discovered, elapsed


def test_there_are_enough_hostile_files():
    committed = [p for p in HOSTILE.rglob("*") if p.is_file()]
    assert len(committed) >= 25 and not any(p.is_symlink() for p in committed)


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_each_hostile_file_yields_a_finding_with_line_and_hint(mixed_kb, path):
    _, linked, discovered, _ = mixed_kb
    code, line, parses = EXPECTED[path]
    if parses is None:  # refused at discovery: never parsed
        assert path not in linked
        got = [f for f in discovered if f.source == path]
    else:
        assert linked[path].parsed.ok is parses
        got = linked[path].findings
    match = [f for f in got if f.code == code]
    assert match, f"{path}: expected {code}, got {[str(f) for f in got]}"
    assert match[0].line == line and match[0].hint and match[0].source == path
    assert str(match[0]).startswith(f"{path}:{line}: ")


def test_every_source_of_the_folder_is_accounted_for(mixed_kb):
    root, linked, _, _ = mixed_kb
    on_disk = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() or p.is_symlink()}
    assert on_disk - set(linked) == {"kb/model_cards/leak.yaml"}


def test_good_files_still_yield_their_entities(mixed_kb):
    _, linked, _, elapsed = mixed_kb
    kinds = entities(linked)
    assert {
        "good": "model",
        "hg38_reference": "dataset",
        "docs/good": "doc",
    }.items() <= kinds.items()
    rels = relations(linked)
    assert ("good", "uses_dataset", "hg38_reference") in rels
    assert ("docs/good", "links_to", "hg38_reference") in rels
    assert ("docs/good", "mentions", "good") in rels
    assert ("hg38_reference", "has_modality", "genetics") in rels
    assert kinds["twin"] == "model" and "secret" not in kinds
    (twin,) = [e for ls in linked.values() for e in ls.parsed.entities if e.id == "twin"]
    assert twin.name == "First twin"  # the first definition wins
    assert elapsed < 5


def test_hostile_yaml_is_never_executed(mixed_kb):
    assert not Path("/tmp/pwned").exists()


def test_parse_source_never_raises(tmp_path):
    for p in sorted(HOSTILE.rglob("*")):
        if p.is_file():
            rel = str(p.relative_to(HOSTILE))
            kind = "doc" if rel.endswith(".md") else "model_card"
            result = parse_source(HOSTILE, SourceFile(rel, kind, ""), LIMIT)
            assert all(f.hint for f in result.findings), rel
    missing = parse_source(
        tmp_path, SourceFile("kb/model_cards/gone.yaml", "model_card", ""), LIMIT
    )
    assert not missing.ok and missing.findings[0].code == "unreadable"
    folder = parse_source(
        HOSTILE, SourceFile("kb", "model_card", ""), LIMIT
    )  # a folder, not a file
    assert not folder.ok and folder.findings[0].hint


def test_only_the_findings_of_hostile_files(mixed_kb):
    _, linked, _, _ = mixed_kb
    for path in ("kb/model_cards/good.yaml", "kb/datasets/hg38_reference.yaml", "docs/good.md"):
        assert linked[path].findings == []
    assert {f.source for f in findings(linked)} <= set(EXPECTED) | {"kb/model_cards/dup_id_a.yaml"}
