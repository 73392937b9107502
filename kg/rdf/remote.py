"""`RemoteRdfStore`: the RDF sink on a SPARQL 1.1 server, chosen by ``KG_SPARQL__REMOTE_URL``.

Built for the Oxigraph server (``oxigraph serve --location DIR --bind HOST:PORT``: queries at
``{url}/query``, updates at ``{url}/update``); any server with SPARQL 1.1 Protocol and Update
at those paths works. One named graph per source file, as on disk. A changed source's graph
is replaced by one update request ``DROP SILENT GRAPH <g>; INSERT DATA { GRAPH <g> {…} }``
that carries every changed source, cut into requests of at most `batch_quads` quads.

A server keeps one dataset, not generations (docs/scaling.md): the update goes out while the
pipeline stages, before the SQL commit, and records the new generation in a state graph;
the graphs it replaces are first saved to an undo log in the state folder. An ingest that
fails before the SQL commit is rolled back from the log; one whose process died is rolled
back by the next ingest, which finds the server a generation ahead of SQL. Readers see each
request's change at once, not at the SQL commit.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import httpx
import pyoxigraph as ox

from kg.errors import IngestError, KGError, QueryError
from kg.rdf.terms import iri, source_iri, vocab_graph_iri

_PATH, _GENERATION = iri("nokg:path"), iri("nokg:generation").value
_JSON = "application/sparql-results+json"


class RemoteRdfStore:
    """The RDF sink of one state folder on a SPARQL server at `url`.

    Args:
        url: the server's base URL, e.g. ``http://127.0.0.1:7878``.
        state: folder for undo logs (in the KB's state folder).
        base_iri: base of the source graph IRIs.
        batch_quads: the most quads in one update request.
    """

    def __init__(
        self, url: str, state: Path, base_iri: str, batch_quads: int = 100_000, timeout_s=300.0
    ):
        self.url = url.rstrip("/")
        self.state = Path(state)
        self.base_iri = base_iri.rstrip("/")
        self.batch_quads = batch_quads
        self.state_graph = f"{self.base_iri}/kg-state"
        self.client = httpx.Client(timeout=timeout_s)
        self.requests = 0  # update requests sent (tests and benchmarks read it)

    # -- the protocol ---------------------------------------------------------------------
    def select(self, query: str) -> list[dict[str, ox.NamedNode | ox.Literal]]:
        """Rows of a SELECT sent to the server as is."""
        sols = ox.parse_query_results(
            self._query(query, {}, _JSON), format=ox.QueryResultsFormat.JSON
        )
        names = [v.value for v in sols.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in sols]

    def _query(self, query: str, params: dict, accept: str) -> bytes:
        try:
            resp = self.client.post(
                f"{self.url}/query", data={"query": query, **params}, headers={"Accept": accept}
            )
        except httpx.HTTPError as exc:
            raise KGError(f"the SPARQL server at {self.url} did not answer: {exc}") from exc
        if resp.status_code != 200:
            raise QueryError(
                f"the SPARQL server refused the query ({resp.status_code}): {resp.text}"
            )
        return resp.content

    def update(self, text: str) -> None:
        """Send one SPARQL Update request (one transaction on the Oxigraph server)."""
        try:
            resp = self.client.post(
                f"{self.url}/update",
                content=text.encode(),
                headers={"Content-Type": "application/sparql-update"},
            )
        except httpx.HTTPError as exc:
            raise IngestError(f"the SPARQL server at {self.url} did not answer: {exc}") from exc
        self.requests += 1
        if resp.status_code >= 300:
            raise IngestError(
                f"the SPARQL server refused an update ({resp.status_code}): {resp.text}"
            )

    # -- generations ----------------------------------------------------------------------
    def generation(self) -> str | None:
        """The generation the server holds (recorded by the last update), or None."""
        rows = self.select(
            f"SELECT ?g {{ GRAPH <{self.state_graph}> {{ ?s <{_GENERATION}> ?g }} }}"
        )
        return rows[0]["g"].value if rows else None

    def has_generation(self, generation: str | None) -> bool:
        return generation is not None and self.generation() == generation

    def path_of(self, generation: str) -> Path:
        raise KGError(f"the RDF store is the SPARQL server at {self.url}: no local store folder")

    def graph_iri(self, path: str) -> ox.NamedNode:
        return ox.NamedNode(source_iri(self.base_iri, path))

    def open_read(self, generation: str | None = None) -> RemoteQueries:
        """A query handle: the server's current content (a server has no older generations)."""
        return RemoteQueries(self)

    # -- writing --------------------------------------------------------------------------
    def stage(
        self,
        base_generation: str | None,
        new_generation: str,
        upserts: Mapping[str, Iterable[ox.Quad]],
        deleted: Iterable[str],
    ) -> None:
        """Replace the graphs of `upserts`, drop those of `deleted`, record `new_generation`.

        A cold build (no base) first drops every graph under this KB's base IRI.

        Raises:
            IngestError: the server holds another generation than `base_generation` and no
                undo log can bring it back, or it refused a request.
        """
        held = self.generation()
        if held is not None and held != base_generation and self._undo(held).is_dir():
            self.rollback(held)  # an earlier ingest died between this update and SQL
            held = self.generation()
        if base_generation is not None and held != base_generation:
            raise IngestError(
                f"the SPARQL server at {self.url} holds generation {held!r}, the SQL store "
                f"{base_generation!r}: another KB writes there or its data was replaced — give "
                "this KB its own server location, or ingest into a fresh state folder (KG_HOME)"
            )
        undo = self._undo(new_generation)
        shutil.rmtree(undo, ignore_errors=True)
        undo.mkdir(parents=True)
        (undo / "base.json").write_text(json.dumps({"base": base_generation}))
        first = self._own_graphs() if base_generation is None else self._graphs_of(deleted)
        marker = f'<{self.state_graph}> <{_GENERATION}> "{new_generation}" .'
        head = [f"DROP SILENT GRAPH <{self.state_graph}>"]
        tail = f"INSERT DATA {{ GRAPH <{self.state_graph}> {{ {marker} }} }}"
        sent = False
        for keys, quads in _batches(upserts.items(), self.batch_quads):
            graphs = {q.graph_name for q in quads if isinstance(q.graph_name, ox.NamedNode)}
            graphs |= self._graphs_of(keys) | first
            self._save_old(undo, graphs, base_generation is not None)
            drops = [*head, *(f"DROP SILENT GRAPH <{g.value}>" for g in sorted(graphs, key=str))]
            self.update(" ;\n".join([*drops, _insert_data(quads), *([tail] if head else [])]))
            head, first, sent = [], set(), True
        if not sent:  # only deletions
            self._save_old(undo, first, base_generation is not None)
            drops = [*head, *(f"DROP SILENT GRAPH <{g.value}>" for g in first)]
            self.update(" ;\n".join([*drops, tail]))

    def rollback(self, generation: str) -> None:
        """Undo the update of `generation` (an ingest that never reached its SQL commit)."""
        undo = self._undo(generation)
        if not undo.is_dir():
            return
        base = json.loads((undo / "base.json").read_text())["base"]
        graphs = (undo / "graphs.txt").read_text().split() if (undo / "graphs.txt").exists() else []
        for i in range(0, len(graphs), 1000):
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs[i : i + 1000]))
        old = undo / "old.nq"
        if old.exists():
            quads = ox.parse(path=str(old), format=ox.RdfFormat.N_QUADS)
            for _, batch in _batches([("", quads)], self.batch_quads, whole=False):
                self.update(_insert_data(batch))
        restore = [f"DROP SILENT GRAPH <{self.state_graph}>"]
        if base is not None:
            marker = f'<{self.state_graph}> <{_GENERATION}> "{base}" .'
            restore.append(f"INSERT DATA {{ GRAPH <{self.state_graph}> {{ {marker} }} }}")
        self.update(" ;\n".join(restore))
        shutil.rmtree(undo, ignore_errors=True)

    def gc(self, keep: set[str] | None = None) -> list[str]:
        """Forget undo logs: called once the SQL commit made the new generation current."""
        gone = sorted(p.name[5:] for p in self.state.glob("undo-*")) if self.state.is_dir() else []
        for name in gone:
            shutil.rmtree(self._undo(name), ignore_errors=True)
        return gone

    def _undo(self, generation: str) -> Path:
        if not generation or "/" in generation or generation in (".", ".."):
            raise ValueError(f"invalid generation name {generation!r}")
        return self.state / f"undo-{generation}"

    def _save_old(self, undo: Path, graphs: set[ox.NamedNode], fetch: bool) -> None:
        """Append the graphs a request replaces, and their current quads, to the undo log."""
        with (undo / "graphs.txt").open("a") as f:
            f.writelines(g.value + "\n" for g in graphs)
        if not fetch or not graphs:
            return
        names = sorted(g.value for g in graphs)
        with (undo / "old.nq").open("ab") as f:
            for i in range(0, len(names), 500):
                values = " ".join(f"<{g}>" for g in names[i : i + 500])
                rows = self.select(
                    f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
                )
                quads = [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]
                f.write(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")

    def _graphs_of(self, paths: Iterable[str]) -> set[ox.NamedNode]:
        """The graphs of source paths: by IRI, and by their ``nokg:path`` (another base IRI)."""
        paths = [p for p in paths if not p.startswith("<")]
        graphs = {self.graph_iri(p) for p in paths}
        for i in range(0, len(paths), 500):
            values = " ".join(str(ox.Literal(p)) for p in paths[i : i + 500])
            q = f"SELECT ?g WHERE {{ VALUES ?p {{ {values} }} GRAPH ?g {{ ?g <{_PATH.value}> ?p }} }}"
            graphs |= {r["g"] for r in self.select(q)}
        return graphs

    def _own_graphs(self) -> set[ox.NamedNode]:
        """Every graph this KB wrote: its source graphs, vocabulary and state graph."""
        own = (f"{self.base_iri}/source/", vocab_graph_iri(self.base_iri), self.state_graph)
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return {r["g"] for r in rows if r["g"].value.startswith(own)}


class RemoteQueries:
    """What `kg.sparql_exec.run` needs of a store (`query`), answered by the server; and
    iteration over every quad (for SHACL validation)."""

    def __init__(self, store: RemoteRdfStore):
        self.store = store

    def query(self, query: str, *, prefixes=None, use_default_graph_as_union=False,
              default_graph=None, named_graphs=None, substitutions=None):  # fmt: skip
        """Run `query` on the server; results come back as pyoxigraph's own result types."""
        if substitutions:
            raise QueryError("bound parameters are not supported by a remote SPARQL store")
        kwargs = {"prefixes": prefixes, "use_default_graph_as_union": use_default_graph_as_union}
        if default_graph is not None or named_graphs is not None:
            kwargs = {"prefixes": prefixes, "default_graph": default_graph or [],
                      "named_graphs": named_graphs or []}  # fmt: skip
        ox.Store().query(query, **kwargs)  # syntax errors exactly as the local store words them
        head = "".join(f"PREFIX {p}: <{v}>\n" for p, v in (prefixes or {}).items())
        params: dict = {}
        if default_graph is not None or named_graphs is not None:
            params["default-graph-uri"] = [g.value for g in default_graph or []]
            params["named-graph-uri"] = [g.value for g in named_graphs or []]
        elif use_default_graph_as_union:
            params["union-default-graph"] = ""  # Oxigraph's protocol extension
        accept = f"{_JSON}, application/n-triples;q=0.9"
        body = self.store._query(head + query, params, accept)
        if body.lstrip().startswith(b"{"):
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        # CONSTRUCT/DESCRIBE: hand back pyoxigraph's QueryTriples via an in-memory store.
        mem = ox.Store()
        mem.extend(ox.Quad(t.subject, t.predicate, t.object) for t in _triples(body))
        return mem.query("CONSTRUCT WHERE { ?s ?p ?o }")

    def __iter__(self) -> Iterator[ox.Quad]:
        rows = self.store.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return (ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows)


def _triples(body: bytes) -> Iterator[ox.Triple]:
    return (q.triple if isinstance(q, ox.Quad) else q
            for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES))  # fmt: skip


def _batches(
    items: Iterable[tuple[str, Iterable[ox.Quad]]], size: int, whole: bool = True
) -> Iterator[tuple[list[str], list[ox.Quad]]]:
    """(keys, quads) of whole sources, about `size` quads each (`whole=False`: exactly)."""
    keys: list[str] = []
    batch: list[ox.Quad] = []
    for key, quads in items:
        keys.append(key)
        for q in quads:
            batch.append(q)
            if not whole and len(batch) >= size:
                yield keys, batch
                keys, batch = [], []
        if len(batch) >= size:
            yield keys, batch
            keys, batch = [], []
    if batch or keys:
        yield keys, batch


def _insert_data(quads: list[ox.Quad]) -> str:
    """``INSERT DATA { GRAPH <g> { … } … }``, terms written as N-Triples (valid SPARQL)."""
    by_graph: dict[str, list[ox.Triple]] = {}
    for q in quads:
        g = q.graph_name
        by_graph.setdefault("" if isinstance(g, ox.DefaultGraph) else str(g), []).append(q.triple)
    parts = []
    for g, triples in by_graph.items():
        text = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode()
        parts.append(f"GRAPH {g} {{\n{text}}}" if g else text)
    return "INSERT DATA {\n" + "\n".join(parts) + "\n}"
