"""`KnowledgeBase`: the one Python API that the CLI and the HTTP routes call.

Each method does one user-level thing and returns typed results; adapters only translate
formats and errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from kg.errors import KGError, NotIngestedError, UnknownEntityError
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
        if report.reindexed:
            self.__dict__.pop("_qa_cache", None)  # same generation, new index
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
            lines=row.lines,
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

    # -- comparison tables ----------------------------------------------------------------------
    def compare(
        self,
        refs: list[str] | None = None,
        fields: list[str] | None = None,
        *,
        kind: str | None = None,
        modality: str | None = None,
        tag: str | None = None,
        sort: str | None = None,
        descending: bool = False,
        transpose: bool = False,
        limit: int = 500,
    ):
        """A comparison `Table` of entities (ids, names or aliases) and/or a filter.

        Args:
            refs: entities to compare, in row order; None compares every filter match.
            fields: properties, synonyms or YAML paths; None picks the most filled fields.
            kind, modality, tag: keep only matching entities (all of them when `refs` is None).
            sort: field to order rows by ("-field" for descending); missing values last.
            transpose: fields as rows, entities as columns.
            limit: at most this many filter matches (the table's `total` says how many).

        Raises:
            UnknownEntityError: a ref names no entity (with did-you-mean suggestions).
            UnknownFieldError: a field is neither a property nor a YAML path of these entities.
        """
        from kg.compare import build_table
        from kg.errors import KGError
        from kg.vocab import modality_for

        self._require_ingested()
        sql = self.stores.sql
        total = None
        if modality:
            modality = modality_for(modality) or modality  # "rs-fMRI" and "DNA" name concepts
        if refs:
            ids = list(dict.fromkeys(self.resolve(r) for r in refs))
            rows = [sql.get_entity(i) for i in ids]
            if kind or modality or tag:
                # The store owns what "modality" means (vocabulary relations and attributes).
                keep = {e.id for e in sql.find_entities(kind, modality, tag, limit=1_000_000)[0]}
                rows = [r for r in rows if r.id in keep]
        elif kind or modality or tag:
            rows, total = sql.find_entities(kind, modality, tag, limit=limit)
        else:
            raise KGError(
                "nothing to compare — name entities or give a filter such as kind='model'"
            )
        ids = [r.id for r in rows]
        facts = sql.attributes_for(ids)
        wanted = set(ids)
        conflicts = [c for c in sql.conflicts() if c.entity in wanted]
        table = build_table(rows, facts, fields, conflicts, sort=sort, descending=descending)
        if total is not None and total > len(rows):
            table.total = total
        if kind and not rows:
            table.corner = kind.capitalize()
        return table.transpose() if transpose else table

    def catalog(self, out=None) -> dict[str, str]:
        """Registry pages (models by modality, papers by year, datasets by access) as Markdown.

        Args:
            out: a folder to write the pages into (links become relative to it); None only
                returns them (links relative to the KB root).

        Returns:
            page file name -> Markdown text.
        """
        from pathlib import Path

        from kg.catalog import build_catalog, write_catalog

        self._require_ingested()
        sql = self.stores.sql
        entities = [
            e
            for k in ("model", "paper", "dataset", "doc")
            for e in sql.find_entities(k, limit=10**9)[0]
        ]
        ids = [e.id for e in entities if e.kind != "doc"]
        facts = sql.attributes_for(ids)
        kb_root = Path(self.settings.kb).resolve()
        if out is None:
            return build_catalog(entities, facts, sql.all_relations(), sql.conflicts())
        return write_catalog(
            Path(out), kb_root, entities, facts, sql.all_relations(), sql.conflicts()
        )

    # -- listing, search and sources (the REST API's reads) -------------------------------------
    @cached_property
    def base_iri(self) -> str:
        """The base of entity IRIs: settings, else the KB's kg.toml, else the built-in one."""
        from pathlib import Path

        from ingest.kb_config import load_kb_config
        from ingest.pipeline import base_iri_for

        return base_iri_for(
            self.settings, load_kb_config(Path(self.settings.kb).resolve()).base_iri
        )

    def find(
        self,
        kind: str | None = None,
        modality: str | None = None,
        tag: str | None = None,
        q: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ):
        """One page of entities matching every filter given, and the total match count."""
        self._require_ingested()
        return self.stores.sql.find_entities(kind, modality, tag, q, limit, offset)

    def facets(self, kind: str | None = None) -> dict[str, dict[str, int]]:
        """How many entities (of `kind`) carry each modality and each tag."""
        self._require_ingested()
        return self.stores.sql.facet_counts(kind)

    def search(self, query: str, k: int = 10, mode: str = "hybrid"):
        """The k passages that best match `query` (hybrid, dense or bm25), as retrieval Hits."""
        self._require_ingested()
        index = self.stores.retrieval_index()
        if index is None:
            raise NotIngestedError(
                "no retrieval index for this generation — run `kg ingest` without --no-embed"
            )
        linked = self._assistant().view.linker.link(query) if mode == "hybrid" else None
        boost = [e.id for e in linked.entities] if linked else []
        return index.search(query, k=k, entity_ids=boost, mode=mode)

    # -- questions ----------------------------------------------------------------------------
    def _assistant(self):
        """The question answerer of the current generation (built once per generation)."""
        from pathlib import Path

        from retrieval.answer import Assistant
        from retrieval.kb_view import KBView

        self._require_ingested()
        gen = self.stores.current_generation()
        cached = self.__dict__.get("_qa_cache")
        if cached is None or cached.view.generation != gen:
            view = KBView(
                self.stores.sql, self.stores.retrieval_index(), Path(self.settings.kb), gen
            )
            cached = Assistant(view, self.settings.retrieval, self.compare)
            self.__dict__["_qa_cache"] = cached
        return cached

    def ask(self, question: str) -> dict:
        """Answer a question in plain English, citing the KB lines it rests on.

        Returns:
            ``{"question", "answer", "citations": [{"source", "lines", "entity", "quote"}],
            "intent", "entities", "confidence"}``; an answer the KB cannot give with enough
            confidence says so ("The knowledge base does not contain …").
        """
        return self._assistant().ask(question).to_dict()

    def evaluate(self, qa_path, system: str = "assistant"):
        """Score a system on a QA YAML file: accuracy, citations and retrieval, per type.

        Args:
            qa_path: the QA set (see retrieval.qa_set).
            system: 'assistant' (`ask`), or a naive baseline: 'bm25-rag' or 'dense-rag'.

        Returns:
            a retrieval.evaluate.Report.
        """
        from retrieval.baselines import baselines
        from retrieval.evaluate import evaluate
        from retrieval.qa_set import load_qa

        items = load_qa(qa_path)
        index = self.stores.retrieval_index() if self.stores.current_generation() else None
        if system == "assistant":
            search = (lambda q: self.search(q, k=10)) if index is not None else None
            return evaluate(items, self.ask, search, system)
        if index is None:
            raise NotIngestedError("baselines need the retrieval index — run `kg ingest`")
        fns = baselines(index)
        if system not in fns:
            raise KGError(
                f"unknown system {system!r} — use 'assistant', {', '.join(map(repr, fns))}"
            )
        mode = system.split("-")[0]
        return evaluate(items, fns[system], lambda q: index.search(q, k=10, mode=mode), system)

    def source_text(self, path: str, start: int | None = None, end: int | None = None):
        """Lines `start`..`end` (1-based, inclusive) of an ingested source file.

        Returns:
            (text, start, end, total lines), the range clamped to the file.

        Raises:
            SourceAccessError: the path leaves the KB folder (also through a symlink).
            SourceNotFoundError: no ingested source has that path.
        """
        from pathlib import Path

        from kg.errors import SourceAccessError, SourceNotFoundError

        self._require_ingested()
        root = Path(self.settings.kb).resolve()
        rel = Path(path)
        if "\x00" in path or rel.is_absolute() or ".." in rel.parts:
            raise SourceAccessError(f"{path!r} is not a path inside the KB folder")
        real = (root / rel).resolve()
        if not real.is_relative_to(root):
            raise SourceAccessError(f"{path!r} leads outside the KB folder")
        known = self.stores.sql.source_states()
        if rel.as_posix() not in known or not real.is_file():
            raise SourceNotFoundError(f"{path!r} is not a source file of this KB")
        lines = real.read_text(encoding="utf-8", errors="replace").splitlines()
        first = max(1, start or 1)
        last = min(len(lines), end or len(lines))
        return "\n".join(lines[first - 1 : last]), first, last, len(lines)

    # -- SPARQL -----------------------------------------------------------------------------------
    def sparql(self, query: str, max_rows: int | None = None):
        """Run a read-only SPARQL query on the current generation."""
        from kg.sparql import execute

        store = self.stores.rdf_read()  # one read of the current generation per query
        if store is None:
            self._require_ingested()
        return execute(store, query, max_rows or self.settings.sparql.max_rows)
