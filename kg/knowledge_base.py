"""`KnowledgeBase`: the one Python API that the CLI and the HTTP routes call.

Each method does one user-level thing and returns typed results; adapters only translate
formats and errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from kg.errors import NotIngestedError, UnknownEntityError
from kg.ir import Attribute, Conflict, Finding, Relation
from kg.settings import Settings


@dataclass
class EntityFacts:
    """An entity with every fact about it and where each fact comes from."""

    id: str
    kind: str
    name: str
    source: str
    lines: tuple[int, int]
    aliases: list[str] = field(default_factory=list)
    parent: str | None = None
    attributes: list[Attribute] = field(default_factory=list)
    outgoing: list[Relation] = field(default_factory=list)
    incoming: list[Relation] = field(default_factory=list)


class KnowledgeBase:
    """A KB folder and its state: ingest it, query it, ask it, compare in it."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()

    @cached_property
    def stores(self):
        from kg.stores import Stores

        return Stores(self.settings)

    # -- ingest -------------------------------------------------------------------------------
    def ingest(self, progress=None):
        """Bring every store up to date with the KB folder; returns an IngestReport."""
        from ingest.pipeline import Pipeline

        report = Pipeline(self.settings, self.stores, progress).run()
        self.__dict__.pop("graph", None)  # the networkx view is rebuilt on next use
        return report

    def _require_ingested(self) -> None:
        if self.stores.current_generation() is None:
            raise NotIngestedError(
                f"nothing ingested yet for {self.settings.kb} — run `kg --kb {self.settings.kb} ingest`"
            )

    # -- facts ----------------------------------------------------------------------------------
    def stats(self) -> dict:
        """Counts per kind, relations per predicate, sources, findings; and the generation."""
        self._require_ingested()
        return {"generation": self.stores.current_generation(), **self.stores.sql.stats()}

    def resolve(self, ref: str) -> str:
        """The id of the entity that `ref` (id, name or alias) names, or UnknownEntityError."""
        entity_id = self.stores.sql.resolve(ref)
        if entity_id is None:
            raise UnknownEntityError(ref, self.stores.sql.suggest(ref))
        return entity_id

    def show(self, ref: str) -> EntityFacts:
        """An entity and all its facts with their sources."""
        self._require_ingested()
        sql = self.stores.sql
        row = sql.get_entity(self.resolve(ref))
        rels = sql.relations(row.id, "both")
        return EntityFacts(
            id=row.id,
            kind=row.kind,
            name=row.name,
            source=row.source,
            lines=(row.line_start, row.line_end),
            aliases=list(row.aliases),
            parent=row.parent,
            attributes=sql.attributes(row.id),
            outgoing=[r for r in rels if r.subject == row.id],
            incoming=[r for r in rels if r.object == row.id and r.subject != row.id],
        )

    def findings(self, severity: str | None = None) -> list[Finding]:
        self._require_ingested()
        return self.stores.sql.findings(severity)

    def conflicts(self) -> list[Conflict]:
        self._require_ingested()
        return self.stores.sql.conflicts()

    def validate(self) -> list[Finding]:
        """Ingest findings plus SHACL violations of the current graph."""
        from kg.shacl import validate

        self._require_ingested()
        return self.findings() + validate(self.stores.rdf_read())

    # -- graph walks ----------------------------------------------------------------------------
    @cached_property
    def graph(self):
        from kg.graph_view import build_graph

        self._require_ingested()
        sql = self.stores.sql
        return build_graph(sql.all_entities(), sql.all_relations())

    def path(self, a: str, b: str):
        """The shortest chain of relations between two entities."""
        from kg.graph_view import shortest_path

        return shortest_path(self.graph, self.resolve(a), self.resolve(b))

    def neighbors(self, ref: str, depth: int = 1):
        from kg.graph_view import neighbors

        return neighbors(self.graph, self.resolve(ref), depth)

    # -- SPARQL -----------------------------------------------------------------------------------
    def sparql(self, query: str, max_rows: int | None = None):
        """Run a read-only SPARQL query on the current generation."""
        from kg.sparql import execute

        self._require_ingested()
        return execute(self.stores.rdf_read(), query, max_rows or self.settings.sparql.max_rows)
