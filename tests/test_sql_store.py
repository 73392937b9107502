"""The SQL store on a real SQLite file and a real PostgreSQL database, from hand-built IR."""

from __future__ import annotations

import uuid
import warnings

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError
from store_fixtures import (
    attr,
    dataset_source,
    digests,
    doc_source,
    model_source,
    paper_source,
    small_kb,
    source_file,
)

from kg.ir import Attribute, Conflict, Finding, Provenance, SourceFile
from kg.sql import SqlStore


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    """A migrated, empty store: a SQLite file, or a fresh schema in the session's PG database."""
    if request.param == "sqlite":
        s = SqlStore(f"sqlite:///{tmp_path / 'state' / 'kg.sqlite'}")
        s.migrate()
        yield s
        s.dispose()
        return
    url = request.getfixturevalue("pg_database")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    setup = create_engine(url)
    with setup.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    s = SqlStore(f"{url}?options=-csearch_path%3D{schema}")
    s.migrate()
    yield s
    s.dispose()
    with setup.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    setup.dispose()


def ingest(store: SqlStore, sources, generation: str, **kw) -> None:
    store.apply(
        sources,
        digests(sources),
        kw.get("deleted", []),
        kw.get("failed", []),
        kw.get("conflicts"),
        generation,
    )


def test_migrated_schema_matches_the_models(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kg.sql.models import Base

    store.migrate()  # a second upgrade is a no-op
    with store.engine.connect() as conn, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # expression indexes cannot be compared by reflection
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    assert store.current_generation() is None
    assert store.stats()["entities"] == {}


def test_apply_round_trips_the_ir(store):
    sources = small_kb()
    ingest(store, sources, "g1")
    assert store.current_generation() == "g1"

    row = store.get_entity("brainjepa")
    assert (row.kind, row.name, row.aliases) == ("model", "Brain-JEPA", ("BrainJEPA",))
    assert (row.source, row.lines) == ("kb/model_cards/brainjepa.yaml", (1, 30))
    assert store.get_entity("nope") is None

    values = {a.path: a.value for a in store.attributes("brainjepa")}
    assert values["arch.context_length"] == 160 and isinstance(values["arch.context_length"], int)
    assert values["arch.dropout"] == 0.1 and values["verified"] is True
    ctx = store.attributes("brainjepa", ["context_length"])
    assert [(a.path, a.raw, a.prov.line_start, a.datatype) for a in ctx] == [
        ("arch.context_length", "160", 8, "integer")
    ]

    out = {(r.predicate, r.object) for r in store.relations("brainjepa", "out")}
    assert out == {
        ("has_modality", "fmri"),
        ("uses_dataset", "ukb_fmri"),
        ("described_by", "brainjepa_2024"),
    }
    into = store.relations("brainjepa", "in")
    assert {(r.subject, r.predicate, r.prov.line_start) for r in into} == {
        ("brainjepa_2024", "describes", 8),
        ("docs/models/brainjepa.md", "mentions", 4),
    }
    assert len(store.relations("brainjepa")) == len(out) + len(into)
    with pytest.raises(ValueError, match="direction"):
        store.relations("brainjepa", "sideways")

    secs = store.sections("docs/models/brainjepa.md")
    assert [s.heading_path[-1] for s in secs] == ["Overview", "Training"]
    assert secs[1].prov.line_start == 9 and "UK Biobank" in secs[1].text
    assert [str(f) for f in store.findings("warning")] == [
        "docs/models/brainjepa.md:12: link to 'missing.md' resolves to nothing — check the path"
    ]
    states = store.source_states()
    assert states["kb/paper_cards/brainjepa_2024.yaml"].ok
    assert (
        states["kb/datasets/ukb_fmri.yaml"].digest == digests(sources)["kb/datasets/ukb_fmri.yaml"]
    )


def test_replacing_one_source_touches_only_its_rows(store):
    ingest(store, small_kb(), "g1")
    before_lm = store.attributes("brainlm")
    before_rel = store.relations("brainlm")
    changed = model_source(
        paper="brainjepa_2024", context_length=4096, tags=("jepa",), content="v2"
    )
    ingest(store, [changed], "g2")

    assert store.current_generation() == "g2"
    assert [a.value for a in store.attributes("brainjepa", ["context_length"])] == [4096]
    assert [a.value for a in store.attributes("brainjepa", ["tag"])] == ["jepa"]
    assert store.attributes("brainlm") == before_lm
    assert store.relations("brainlm") == before_rel
    assert store.get_entity("ukb_fmri") is not None
    states = store.source_states()
    assert states["kb/model_cards/brainjepa.yaml"].sha256 == changed.parsed.source.sha256
    assert len(store.sections()) == 2


def test_deleting_a_source_removes_all_its_rows(store):
    ingest(store, small_kb(), "g1")
    doc = "docs/models/brainjepa.md"
    ingest(store, [], "g2", deleted=[doc])
    assert store.get_entity(doc) is None
    assert store.sections() == [] and store.findings() == []
    assert all(r.subject != doc for r in store.relations("brainjepa", "in"))
    assert doc not in store.source_states()
    assert store.resolve("Brain-JEPA walkthrough") is None
    assert store.get_entity("brainjepa") is not None


def test_failed_source_keeps_its_previous_rows(store):
    ingest(store, small_kb(), "g1")
    path = "kb/model_cards/brainjepa.yaml"
    old_sha = store.source_states()[path].sha256
    before = store.attributes("brainjepa")
    broken = source_file(path, "model_card", "broken")
    error = Finding(
        "error", "yaml-syntax", path, 7, "mapping values are not allowed here", "quote the value"
    )
    ingest(store, [], "g2", failed=[(broken, [error])])

    assert store.attributes("brainjepa") == before
    assert store.resolve("BrainJEPA") == "brainjepa"
    state = store.source_states()[path]
    assert (state.ok, state.sha256) == (False, old_sha)
    assert [f.code for f in store.findings("error")] == ["yaml-syntax"]

    new_file = source_file("kb/model_cards/new.yaml", "model_card")
    ingest(
        store,
        [],
        "g3",
        failed=[(new_file, [Finding("error", "yaml-syntax", new_file.path, 1, "bad")])],
    )
    assert store.source_states()[new_file.path].ok is False

    ingest(store, [model_source(content="fixed")], "g4")
    assert store.source_states()[path].ok
    assert [f.source for f in store.findings("error")] == [new_file.path]


def test_a_failure_mid_apply_rolls_everything_back(store):
    ingest(store, small_kb(), "g1")
    stats = store.stats()
    good = model_source(paper="brainjepa_2024", context_length=999, content="v2")
    clash = model_source("brainlm", "Impostor")  # another file defining an existing id
    clash.parsed.source = source_file("kb/model_cards/impostor.yaml", "model_card")

    with pytest.raises(IntegrityError):
        ingest(store, [good, clash], "g2", deleted=["docs/models/brainjepa.md"], conflicts=[])

    assert store.current_generation() == "g1"
    assert store.stats() == stats
    assert [a.value for a in store.attributes("brainjepa", ["context_length"])] == [160]
    assert store.get_entity("brainlm").name == "BrainLM"
    assert len(store.sections("docs/models/brainjepa.md")) == 2


def test_resolve_by_id_name_alias_and_normalised_form(store):
    ingest(store, small_kb(), "g1")
    assert store.resolve("brainjepa") == "brainjepa"
    assert store.resolve("Brain-JEPA") == "brainjepa"
    assert store.resolve("BRAINJEPA") == "brainjepa"
    assert store.resolve("brain jepa") == "brainjepa"
    assert store.resolve("Brain LM") == "brainlm"
    assert store.resolve("brain_lm") == "brainlm"
    assert store.resolve("rs-fMRI") == "fmri"
    assert store.resolve("ukb fmri") == "ukb_fmri"
    assert store.resolve("no such model") is None
    assert store.resolve("  ") is None


def test_suggest_offers_close_names(store):
    ingest(store, small_kb(), "g1")
    assert store.suggest("brainjpa")[0] == "brainjepa"
    assert store.suggest("Brain-LMM", n=3)[0] == "brainlm"
    assert store.suggest("zzqqxx") == []
    assert len(store.suggest("brain", n=2)) == 2


def test_find_entities_filters_and_pages(store):
    ingest(store, small_kb(), "g1")
    rows, total = store.find_entities(kind="model")
    assert total == 2 and [r.id for r in rows] == ["brainjepa", "brainlm"]
    rows, total = store.find_entities(modality="fmri")
    assert {r.id for r in rows} == {"brainjepa", "brainlm", "ukb_fmri"} and total == 3
    rows, _ = store.find_entities(kind="dataset", modality="fmri")
    assert [r.aliases for r in rows] == [("UKB fMRI",)]
    assert [r.id for r in store.find_entities(tag="JEPA")[0]] == ["brainjepa"]
    assert store.find_entities(q="100%")[1] == 0
    rows, total = store.find_entities(q="brain")
    assert total == 4
    page, again = store.find_entities(q="brain", limit=2, offset=1)
    assert again == total and [r.id for r in page] == [r.id for r in rows[1:3]]


def test_stats_and_facets_count_what_was_written(store):
    ingest(store, small_kb(), "g1")
    stats = store.stats()
    assert stats["entities"] == {"dataset": 1, "doc": 1, "modality": 1, "model": 2, "paper": 1}
    assert stats["relations"]["has_modality"] == 3 and stats["relations"]["mentions"] == 1
    assert (stats["sections"], stats["sources"], stats["findings"]) == (2, 6, {"warning": 1})
    facets = store.facet_counts("model")
    assert facets["modality"] == {"fmri": 2}
    assert facets["tag"] == {"foundation-model": 1, "jepa": 1, "mae": 1}
    assert store.facet_counts()["modality"] == {"fmri": 3}


def test_conflicts_are_replaced_only_when_given(store):
    a = Attribute(
        "brainjepa",
        "arch.context_length",
        "160",
        160,
        Provenance("kb/model_cards/brainjepa.yaml", 8, 8),
        "context_length",
        datatype="integer",
    )
    b = Attribute(
        "brainjepa",
        "context",
        "4k",
        "4k",
        Provenance("docs/models/brainjepa.md", 14, 14),
        "context_length",
    )
    ingest(store, small_kb(), "g1", conflicts=[Conflict("brainjepa", "context_length", [a, b])])
    [got] = store.conflicts()
    assert [(v.value, v.prov.source, v.prov.line_start) for v in got.values] == [
        (160, "kb/model_cards/brainjepa.yaml", 8),
        ("4k", "docs/models/brainjepa.md", 14),
    ]
    ingest(store, [dataset_source()], "g2", conflicts=None)
    assert len(store.conflicts()) == 1
    ingest(store, [paper_source()], "g3", conflicts=[])
    assert store.conflicts() == []


def test_attributes_for_many_entities(store):
    ingest(store, small_kb(), "g1")
    got = store.attributes_for(["brainjepa", "brainlm", "missing"], ["context_length"])
    assert {k: [a.value for a in v] for k, v in got.items()} == {
        "brainjepa": [160],
        "brainlm": [200],
        "missing": [],
    }
    assert [r.id for r in store.all_entities()][:2] == ["brainjepa", "brainjepa_2024"]
    assert len(store.all_relations()) == 8


def test_store_creates_the_sqlite_folder(tmp_path):
    s = SqlStore(f"sqlite:///{tmp_path / 'a' / 'b' / 'kg.sqlite'}")
    s.migrate()
    ingest(s, [doc_source()], "g1")
    assert SqlStore(s.url).get_entity("docs/models/brainjepa.md").kind == "doc"
    s.dispose()


def test_source_file_kind_is_kept_for_failed_new_sources(store):
    sf = SourceFile("kb/huge.yaml", "refused", "")
    ingest(
        store,
        [],
        "g1",
        failed=[(sf, [Finding("error", "too-large", sf.path, 0, "file too large")])],
    )
    assert store.source_states()[sf.path].kind == "refused"


def test_a_bulk_apply_round_trips_every_type(store):
    """Enough rows that PostgreSQL takes the COPY path (JSON, booleans, NULLs included)."""
    from kg.ir import Section

    models = [model_source(f"m{i:03d}", f"Model {i}", (f"M-{i}",), 1000 + i) for i in range(100)]
    doc = doc_source("docs/long.md", mentions=())
    doc.parsed.sections = [
        Section(
            f"docs/long.md#s{i}",
            "docs/long.md",
            ["Long", f"Part {i}"],
            2,
            f"text {i}",
            Provenance("docs/long.md", i + 1, i + 1),
        )
        for i in range(1000)
    ]
    ingest(store, models + [doc], "g1")
    stats = store.stats()
    assert stats["attributes"] == 100 * 11 and stats["sections"] == 1000
    assert store.resolve("m-42") == "m042"
    values = {a.path: a.value for a in store.attributes("m042")}
    assert values["arch.context_length"] == 1042 and values["verified"] is True
    assert values["arch.dropout"] == 0.1
    assert store.sections("docs/long.md")[999].heading_path == ["Long", "Part 999"]
    assert store.get_entity("m042").parent is None


def test_modality_lists_from_doc_tables_count_once_per_id(store):
    """The normaliser writes "sMRI + fMRI" as "smri,fmri"; each id filters and counts."""
    doc = doc_source("docs/table.md", mentions=())
    doc.parsed.attributes += [
        attr("brainlm", "table0[1].Modality", "sMRI + fMRI", "smri,fmri", doc.path, 7, "modality"),
        attr("brainlm", "table0[2].Modality", "CXR", "medical_imaging", doc.path, 8, "modality"),
    ]
    ingest(store, small_kb() + [doc], "g1")
    assert [r.id for r in store.find_entities(modality="smri")[0]] == ["brainlm"]
    assert store.find_entities(modality="medical_imaging")[1] == 1
    assert store.find_entities(modality="mri")[1] == 0
    facets = store.facet_counts("model")["modality"]
    assert facets == {"fmri": 2, "medical_imaging": 1, "smri": 1}
