"""Discovery on the reference corpus and on small KBs in tmp_path; kg.toml handling."""

from __future__ import annotations

import hashlib
import os
from collections import Counter

import pytest
from parse_helpers import CORPUS, MAX_BYTES, write

from ingest.discover import discover
from ingest.kb_config import KBConfig, load_kb_config
from kg.errors import ConfigError

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="reference corpus not available")


def kinds_of(root, config=None):
    sources, found = discover(root, config or load_kb_config(root), MAX_BYTES)
    return {s.path: s.kind for s in sources}, found


def test_corpus_counts_by_kind():
    sources, found = discover(CORPUS, load_kb_config(CORPUS), MAX_BYTES)
    counts = Counter(s.kind for s in sources)
    # The folders hold one template.yaml each besides these cards.
    assert counts == {
        "model_card": 20,
        "paper_card": 30,
        "dataset_card": 19,
        "integration_card": 6,
        "experiment": 10,
        "doc": 18,
    }
    assert found == []
    assert [s.path for s in sources] == sorted(s.path for s in sources)


def test_corpus_templates_skipped_but_template_named_experiments_kept():
    found, _ = kinds_of(CORPUS)
    assert not any(p.endswith("/template.yaml") for p in found)
    assert found["configs/experiments/01_cca_ukb_joo_smri_template.yaml"] == "experiment"
    assert found["kb/model_cards/README.md"] == "doc"
    assert "mkdocs.yml" not in found  # a YAML file outside card folders is not a card
    assert "kb/rag/.gitkeep" not in found


def test_sha256_is_of_the_file_bytes():
    sources, _ = discover(CORPUS, KBConfig(), MAX_BYTES)
    s = next(s for s in sources if s.path == "kb/model_cards/caduceus.yaml")
    assert s.sha256 == hashlib.sha256((CORPUS / s.path).read_bytes()).hexdigest()


def test_hidden_state_and_template_files_are_skipped(tmp_path):
    write(
        tmp_path,
        {
            "kb/model_cards/a.yaml": "id: a\n",
            "kb/model_cards/_template_model.yaml": "id: t\n",
            "kb/model_cards/model.template.yaml": "id: t\n",
            "kb/model_cards/.draft.yaml": "id: d\n",
            ".kg/cache/x.md": "# state\n",
            ".git/README.md": "# git\n",
            "kb/.hidden/b.yaml": "id: b\n",
            "experiments/run_template.yaml": "experiment_name: r\n",
            "notes/readme.md": "# Notes\n",
        },
    )
    found, _ = kinds_of(tmp_path)
    assert found == {
        "experiments/run_template.yaml": "experiment",
        "kb/model_cards/a.yaml": "model_card",
        "notes/readme.md": "doc",
    }


def test_symlink_outside_root_is_reported_not_followed(tmp_path):
    kb = write(tmp_path / "kb", {"kb/datasets/a.yaml": "id: a\n"})
    secret = write(tmp_path / "outside", {"secret.md": "# secret\n"})
    os.symlink(secret / "secret.md", kb / "kb" / "datasets" / "leak.md")
    os.symlink(secret, kb / "linked_dir")
    os.symlink(
        kb / "kb" / "datasets" / "a.yaml", kb / "kb" / "datasets" / "alias.yaml"
    )  # inside: fine
    os.symlink(kb / "kb", kb / "kb" / "loop")  # a loop must not hang discovery
    found, findings = kinds_of(kb)
    assert "kb/datasets/leak.md" not in found and not any(p.startswith("linked_dir") for p in found)
    assert found["kb/datasets/alias.yaml"] == "dataset_card"
    outside = {f.source for f in findings if f.code == "outside-root"}
    assert outside == {"kb/datasets/leak.md", "linked_dir"}
    assert all(f.severity == "warning" and f.hint for f in findings)


def test_oversized_files_are_listed_for_the_parser_to_refuse(tmp_path):
    write(tmp_path, {"kb/datasets/big.yaml": "id: big\nnotes: " + "x" * 5000 + "\n"})
    sources, findings = discover(tmp_path, KBConfig(), max_file_bytes=100)
    assert [s.path for s in sources] == ["kb/datasets/big.yaml"] and findings == []


def test_kg_toml_folders_exclude_and_base_iri(tmp_path):
    write(
        tmp_path,
        {
            "kg.toml": """
            base_iri = "https://example.org/kb/"
            exclude = ["drafts/**", "**/*.bak.yaml"]

            [folders]
            "catalog/models" = "model_card"
            "catalog/papers/*.yml" = "paper_card"
        """,
            "catalog/models/x.yaml": "id: x\n",
            "catalog/models/README.md": "# Models\n",
            "catalog/papers/p_2024.yml": "title: P\n",
            "drafts/kb/model_cards/y.yaml": "id: y\n",
            "kb/model_cards/z.bak.yaml": "id: z\n",
        },
    )
    config = load_kb_config(tmp_path)
    assert config.base_iri == "https://example.org/kb"
    found, _ = kinds_of(tmp_path, config)
    assert found == {
        "catalog/models/x.yaml": "model_card",
        "catalog/models/README.md": "doc",  # a folder rule for cards does not turn docs into cards
        "catalog/papers/p_2024.yml": "paper_card",
    }


@pytest.mark.parametrize(
    ("toml", "line", "fragment"),
    [
        ('base_iri = "https://x.org"\nexclude = "drafts"\n', 2, "'exclude' must be a list"),
        ('[folders]\n"a" = "model_card"\n"b" = "models"\n', 3, "unknown kind 'models'"),
        ('base_iri = "ftp://x"\n', 1, "not an http(s) IRI"),
        ('colour = "blue"\n', 1, "unknown setting 'colour'"),
        ('[folders\n"a" = "doc"\n', 1, "invalid TOML"),
        ('exclude = ["../etc/**"]\n', 1, "not a path inside the KB"),
    ],
)
def test_kg_toml_errors_say_where_and_what(tmp_path, toml, line, fragment):
    (tmp_path / "kg.toml").write_text(toml)
    with pytest.raises(ConfigError) as err:
        load_kb_config(tmp_path)
    message = str(err.value)
    assert message.startswith(f"kg.toml:{line}: ") and fragment in message and " — " in message


def test_no_kg_toml_means_defaults(tmp_path):
    assert load_kb_config(tmp_path) == KBConfig(folders={}, exclude=[], base_iri=None)
