"""Shared fixtures: real KB folders in tmp_path, ingested into real stores."""

from __future__ import annotations

import os
import textwrap
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "neuro-omics-kb"
BUNDLED_KB = ROOT / "kb"


def write_kb(root: Path, files: dict[str, str]) -> Path:
    """Write a KB folder: {relative path: text}; text is dedented."""
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def make_settings(kb: Path, home: Path, database_url: str | None = None, embed: bool = False, **kw):
    from kg.settings import RetrievalSettings, Settings

    return Settings(
        kb=kb,
        home=home,
        database_url=database_url,
        retrieval=RetrievalSettings(embedder="hash", embed=embed),
        **kw,
    )


@pytest.fixture
def make_kb(tmp_path):
    """make_kb(files, embed=False, database_url=None) -> an ingested KnowledgeBase."""
    from kg.knowledge_base import KnowledgeBase

    def _make(files: dict[str, str], embed: bool = False, database_url: str | None = None):
        kb_dir = write_kb(tmp_path / "kb", files)
        kb = KnowledgeBase(make_settings(kb_dir, tmp_path / "home", database_url, embed))
        kb.ingest()
        return kb

    return _make


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"reference corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def corpus_kb(tmp_path_factory, corpus):
    """The reference corpus ingested once per session (SQLite, hash embedder)."""
    from kg.knowledge_base import KnowledgeBase

    home = tmp_path_factory.mktemp("corpus-home")
    kb = KnowledgeBase(make_settings(corpus, home, embed=True))
    kb.ingest()
    return kb


PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


@pytest.fixture(scope="session")
def pg_database():
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(
        f"{PG_SERVER}/test", isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    name = f"kg_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(
            f"PostgreSQL at 127.0.0.1:5432 is unreachable ({exc.orig}); start it to run these"
        )
    yield f"{PG_SERVER}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """A SQL store URL: None (SQLite in the state folder) or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield None
        return
    with fresh_pg_schema(request.getfixturevalue("pg_database")) as url:
        yield url


@contextmanager
def fresh_pg_schema(database_url: str, prefix: str = "t"):
    """A new schema in a PostgreSQL database, as a URL whose search_path is that schema;
    dropped on exit, so each test sees an empty store."""
    import uuid

    from sqlalchemy import create_engine, text

    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{database_url}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()
