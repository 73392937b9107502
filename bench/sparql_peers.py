"""SPARQL beside its peer: on-disk pyoxigraph vs rdflib's in-memory Graph on the same data.

The synthetic dataset of bench.sparql_data (shaped like the KB's RDF sink: one named graph
per source file, reified facts with yamlPath and line) is loaded into both engines, which
run the same four queries; rows are compared so a fast wrong answer cannot pass.
``python -m bench.sparql_peers --triples 10000`` runs this module alone.

Reusable: ``build_synthetic_store(path, n_triples)`` and ``QUERIES`` (written in the sink's
vocabulary, so they also run against a store ingested from a synthetic KB of seed 0).
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from bench.harness import Context, Result, disk_bytes, measure, peak_rss_mb, percentile
from bench.sparql_data import FORMAT_VERSION, synthetic_data
from bench.synth.plan import Plan
from kg.vocab import DEFAULT_BASE_IRI, ONTOLOGY_IRI

LOOKUP_MODEL = Plan(1, 0, 0).model(0)["id"]  # the first model; exists at every size and seed 0
FILTER_MIN_CONTEXT = 100_000
TWO_HOP_YEAR = 2021

_PREFIXES = "".join(
    f"PREFIX {p}: <{iri}>\n"
    for p, iri in [("nokg", ONTOLOGY_IRI), ("schema", "http://schema.org/"),
                   ("dcterms", "http://purl.org/dc/terms/"), ("xsd", "http://www.w3.org/2001/XMLSchema#")]
)  # fmt: skip
_MODEL = f"<{DEFAULT_BASE_IRI}/model/{LOOKUP_MODEL}>"
QUERIES: dict[str, str] = {
    # Everything about one entity, with the YAML path and line of each of its facts.
    "lookup": _PREFIXES
    + f"""SELECT ?p ?o ?path ?line WHERE {{
  {{ {_MODEL} ?p ?o }}
  UNION {{ {_MODEL} nokg:fact ?f . ?f nokg:property ?p ; nokg:value ?o ; nokg:yamlPath ?path ; nokg:line ?line }}
}}""",
    # The longest-context models, as a comparison table sorts them. The name breaks ties so
    # both engines return the same page (a tie-break on the IRI ?m costs pyoxigraph ~3x more).
    "filter_order_limit": _PREFIXES
    + f"""SELECT ?m ?name ?ctx WHERE {{
  ?m a nokg:Model ; schema:name ?name ; nokg:contextLength ?ctx .
  FILTER(?ctx > {FILTER_MIN_CONTEXT})
}} ORDER BY DESC(?ctx) ?name LIMIT 20""",
    # Datasets used by the models that papers of one year describe.
    "two_hop": _PREFIXES
    + f"""SELECT DISTINCT ?d WHERE {{
  ?paper a nokg:Paper ; dcterms:date "{TWO_HOP_YEAR}"^^xsd:gYear ; nokg:describes ?m .
  ?m nokg:usesDataset ?d .
}}""",
    "aggregate": "SELECT ?type (COUNT(?e) AS ?n) WHERE { ?e a ?type } GROUP BY ?type",
}


def build_synthetic_store(
    path: Path, n_triples: int, seed: int = 0, data_dir: Path | None = None
) -> Path:
    """An on-disk pyoxigraph store at `path` holding the synthetic dataset (reused if built).

    Args:
        path: the store folder; rebuilt when it holds anything else.
        n_triples: number of triples.
        seed: data seed.
        data_dir: where the N-Quads/N-Triples files are cached (default: beside `path`).
    """
    import pyoxigraph as ox

    path = Path(path)
    marker = path / f".synthetic-{n_triples}-s{seed}-v{FORMAT_VERSION}"
    if marker.exists():
        return path
    nq, _ = synthetic_data(Path(data_dir) if data_dir else path.parent, n_triples, seed)
    shutil.rmtree(path, ignore_errors=True)
    store = ox.Store(str(path))
    store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store  # releases the store lock, so readers can open it
    marker.touch()
    return path


def _ox_rows(store, query: str, union: bool = True) -> list[tuple]:
    sols = store.query(query, use_default_graph_as_union=union)
    return [tuple(None if t is None else t.value for t in s) for s in sols]


def _rdflib_rows(graph, query: str) -> list[tuple]:
    return [tuple(None if t is None else str(t) for t in row) for row in graph.query(query)]


def _oxigraph(ctx: Context, store_dir: Path, data: Path, union: bool) -> tuple[float, dict, dict]:
    """Bulk-load `data` into a fresh store, then time every query: (load ms, samples, rows)."""
    import pyoxigraph as ox

    shutil.rmtree(store_dir, ignore_errors=True)  # the load itself is measured
    t0 = time.perf_counter()
    if union:
        build_synthetic_store(store_dir, ctx.triples, ctx.seed, data_dir=data.parent)
    else:
        ox.Store(str(store_dir)).bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES)
    load_ms = (time.perf_counter() - t0) * 1000
    store = ox.Store.read_only(str(store_dir))  # as a serving process opens it
    samples, rows = {}, {}
    for name, q in QUERIES.items():
        rows[name] = _ox_rows(store, q, union)
        samples[name] = measure(
            lambda q=q: _ox_rows(store, q, union), ctx.repeats, budget_s=ctx.budget_s
        )
    return load_ms, samples, rows


def run(ctx: Context) -> list[Result]:
    """Load the same data into both engines and time the four queries on each.

    Ours is pyoxigraph with one named graph per source file, queried over their union (as
    kg.sparql does); the same triples in pyoxigraph's default graph are timed too, so the
    cost of per-file graphs stays visible (``default_graph_p50_ms``).
    """
    import rdflib

    folder = ctx.cache / "sparql"
    nq, nt = synthetic_data(folder, ctx.triples, ctx.seed)
    store_dir = folder / f"store-{ctx.triples}-bench"
    ox_load, ox_samples, ox_rows = _oxigraph(ctx, store_dir, nq, union=True)
    rss_ox = peak_rss_mb()
    plain_load, plain_samples, _ = _oxigraph(
        ctx, folder / f"store-{ctx.triples}-plain", nt, union=False
    )

    graph = rdflib.Graph()
    t0 = time.perf_counter()
    graph.parse(str(nt), format="nt")
    rdf_load = (time.perf_counter() - t0) * 1000
    results = [
        Result("load", [ox_load], "rdflib", [rdf_load], {
            "triples": ctx.triples, "store_mb": round(disk_bytes(store_dir) / 2**20, 1),
            "nquads_mb": round(disk_bytes(nq) / 2**20, 1), "default_graph_load_ms": round(plain_load),
            "rss_after_oxigraph_mb": round(rss_ox),
        }),
    ]  # fmt: skip
    for name, q in QUERIES.items():
        peer_rows = _rdflib_rows(graph, q)  # doubles as the peer's warm-up
        peer = measure(
            lambda q=q: _rdflib_rows(graph, q), ctx.peer_repeats, warmup=0, budget_s=ctx.budget_s
        )
        agree = sorted(map(str, peer_rows)) == sorted(map(str, ox_rows[name]))
        metrics = {"rows": len(ox_rows[name]), "same_rows": "yes" if agree else "NO",
                   "default_graph_p50_ms": round(percentile(plain_samples[name], 50), 3)}  # fmt: skip
        results.append(Result(name, ox_samples[name], "rdflib", peer, metrics))
    results[0].metrics["rss_after_rdflib_mb"] = round(peak_rss_mb())
    return results


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.sparql_peers [--triples N] [--size S]`: this module alone."""
    from bench.__main__ import main as bench_main

    return bench_main(["--only", "sparql_peers", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    sys.exit(main())
