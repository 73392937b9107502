"""SPARQL beside its peer: on-disk pyoxigraph vs rdflib's in-memory Graph on the same data.

A synthetic RDF dataset shaped like our KB (typed entities with names, numeric facts, links
between models, datasets and papers, reified facts with yamlPath and line; one named graph
per source file) is written once as N-Quads (for pyoxigraph) and N-Triples (for rdflib) into
the cache. Both engines load it and run the same four queries; rows are compared so a fast
wrong answer cannot pass. ``python -m bench.sparql_peers --triples 10000`` runs it alone.

Reusable: ``build_synthetic_store(path, n_triples)`` and ``QUERIES``.
"""

from __future__ import annotations

import itertools
import math
import random
import shutil
import sys
import time
from pathlib import Path

from bench.harness import Context, Result, disk_bytes, measure, peak_rss_mb, percentile
from bench.synth.plan import MODS, Plan
from kg.vocab import DEFAULT_BASE_IRI, ONTOLOGY_IRI

FORMAT_VERSION = 2  # bump when the data's shape changes, so caches are rebuilt
TRIPLES_PER_CARD = 25  # measured average of the shapes below; sizes the id ranges
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
RELATION = "<http://purl.org/dc/terms/relation>"
XSD_INT = "^^<http://www.w3.org/2001/XMLSchema#integer>"
LOOKUP_MODEL = Plan(1, 0, 0).model(0)["id"]  # the first model; exists at every size
FILTER_MIN_CONTEXT = 100_000
TWO_HOP_YEAR = 2021

_PREFIXES = f"PREFIX nokg: <{ONTOLOGY_IRI}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
QUERIES: dict[str, str] = {
    # Everything about one entity, with the provenance of its reified facts.
    "lookup": _PREFIXES
    + f"""SELECT ?p ?o ?path ?line WHERE {{
  {{ <{DEFAULT_BASE_IRI}/model/{LOOKUP_MODEL}> ?p ?o }}
  UNION {{ ?f nokg:about <{DEFAULT_BASE_IRI}/model/{LOOKUP_MODEL}> ; nokg:property ?p ;
           nokg:value ?o ; nokg:yamlPath ?path ; nokg:line ?line }}
}}""",
    # The longest-context models, as a comparison table sorts them. The name breaks ties so
    # both engines return the same page (a tie-break on the IRI ?m costs pyoxigraph ~3x more).
    "filter_order_limit": _PREFIXES
    + f"""SELECT ?m ?name ?ctx WHERE {{
  ?m a nokg:Model ; rdfs:label ?name ; nokg:contextLength ?ctx .
  FILTER(?ctx > {FILTER_MIN_CONTEXT})
}} ORDER BY DESC(?ctx) ?name LIMIT 20""",
    # Datasets used by models that papers of one year describe.
    "two_hop": _PREFIXES
    + f"""SELECT DISTINCT ?d WHERE {{
  ?paper a nokg:Paper ; nokg:year {TWO_HOP_YEAR} ; nokg:describes ?m .
  ?m nokg:usesDataset ?d .
}}""",
    "aggregate": """SELECT ?type (COUNT(?e) AS ?n) WHERE { ?e a ?type } GROUP BY ?type""",
}


class _Full(Exception):
    """The requested number of triples has been written."""


class _Writer:
    """Writes each triple to both files (quad with the current graph, and plain triple)."""

    def __init__(self, nq, nt, n: int):
        self.nq, self.nt, self.n, self.count, self.facts = nq, nt, n, 0, 0
        self.graph = ""

    def source(self, path: str) -> None:
        self.graph = f"<{DEFAULT_BASE_IRI}/source/{path}>"

    def t(self, s: str, p: str, o: str) -> None:
        if self.count >= self.n:
            raise _Full
        self.nq.write(f"{s} {p} {o} {self.graph} .\n")
        self.nt.write(f"{s} {p} {o} .\n")
        self.count += 1

    def fact(self, e: str, prop: str, value: str, yaml_path: str, line: int) -> None:
        """A direct triple plus its reified form carrying yamlPath and line."""
        self.t(e, _n(prop), value)
        self.facts += 1
        f = f"<{DEFAULT_BASE_IRI}/fact/{self.facts}>"
        for p, o in (("about", e), ("property", _n(prop)), ("value", value),
                     ("yamlPath", _lit(yaml_path)), ("line", f'"{line}"{XSD_INT}')):  # fmt: skip
            self.t(f, _n(p), o)


def _n(local: str) -> str:
    return f"<{ONTOLOGY_IRI}{local}>"


def _iri(kind: str, ident: str) -> str:
    return f"<{DEFAULT_BASE_IRI}/{kind}/{ident}>"


def _lit(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _int(v: int) -> str:
    return f'"{v}"{XSD_INT}'


def _pick(rng: random.Random, n: int, k: int) -> list[int]:
    """k distinct indices below n: a repeated link would be a duplicate triple."""
    return rng.sample(range(n), min(k, n))


def _card(w: _Writer, pl: Plan, kind: str, i: int, rng: random.Random) -> None:
    n = pl.n
    if kind == "model":
        m = pl.model(i)
        e = _iri("model", m["id"])
        w.source(f"kb/model_cards/{m['id']}.yaml")
        w.t(e, RDF_TYPE, _n("Model"))
        w.t(e, LABEL, _lit(m["name"]))
        w.t(e, _n("modality"), _iri("modality", m["modality"]))
        w.fact(e, "contextLength", _int(m["ctx"]), "context_length", 20 + rng.randrange(8))
        w.fact(e, "parameters", _int(m["params_m"] * 1_000_000), "arch.parameters", 11)
        w.fact(e, "architecture", _lit(m["arch"]), "arch.type", 9)
        w.fact(
            e,
            "license",
            _lit("MIT" if i % 3 else "Apache-2.0"),
            "license.code",
            30 + rng.randrange(5),
        )
        for k in _pick(rng, n["dataset"], rng.randint(1, 4)):
            w.t(e, _n("usesDataset"), _iri("dataset", pl.dataset(k)))
        for tag in rng.sample(MODS, rng.randint(2, 5)):
            w.t(e, _n("tag"), _lit(tag))
        if i < n["paper"] and i % 10 != 9:
            w.t(e, _n("describedBy"), _iri("paper", pl.paper(i)[0]))
    elif kind == "paper":
        stem, year, m = pl.paper(i)
        e = _iri("paper", stem)
        w.source(f"kb/paper_cards/{stem}.yaml")
        w.t(e, RDF_TYPE, _n("Paper"))
        w.t(e, LABEL, _lit(f"Paper {stem}"))
        w.fact(e, "year", _int(year), "year", 3)
        w.fact(e, "venue", _lit(f"Venue {year}"), "venue", 4)
        if m is not None:
            w.t(e, _n("describes"), _iri("model", pl.model(m)["id"]))
            w.t(e, RELATION, _iri("model", pl.model(m)["id"]))
    elif kind == "dataset":
        did = pl.dataset(i)
        e = _iri("dataset", did)
        w.source(f"kb/datasets/{did}.yaml")
        w.t(e, RDF_TYPE, _n("Dataset"))
        w.t(e, LABEL, _lit(did.replace("_", " ")))
        w.t(e, _n("modality"), _iri("modality", did.split("_")[1]))
        w.fact(e, "subjects", _int(rng.randrange(100, 500_000)), "counts.subjects", 14)
        w.fact(e, "access", _lit(rng.choice(["public", "restricted"])), "access", 18)
    else:  # integration or experiment
        ident = pl.integration(i) if kind == "integration" else pl.experiment(i)[0]
        e = _iri(kind, ident)
        w.source(
            f"kb/integration_cards/{ident}.yaml"
            if kind == "integration"
            else f"configs/experiments/{ident}.yaml"
        )
        w.t(e, RDF_TYPE, _n(kind.capitalize()))
        w.t(e, LABEL, _lit(ident.replace("_", " ")))
        for k in _pick(rng, n["model"], 3 if kind == "integration" else 1):
            w.t(e, _n("usesModel"), _iri("model", pl.model(k)["id"]))
        for k in _pick(rng, n["dataset"], 2):
            w.t(e, _n("usesDataset"), _iri("dataset", pl.dataset(k)))


# One block of 20 cards in the KB's 40/35/15/5/5 mix, interleaved so that stopping at an
# exact triple count trims every kind evenly.
_BLOCK = ["model"] * 8 + ["paper"] * 7 + ["dataset"] * 3 + ["integration", "experiment"]


def synthetic_data(folder: Path, n_triples: int, seed: int = 0) -> tuple[Path, Path]:
    """The (N-Quads, N-Triples) files of `n_triples` triples, written once into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"synthetic-{n_triples}-s{seed}-v{FORMAT_VERSION}"
    nq, nt = stem.with_suffix(".nq"), stem.with_suffix(".nt")
    if nq.exists() and nt.exists():
        return nq, nt
    pl = Plan(math.ceil(n_triples / TRIPLES_PER_CARD), seed, 0.0)
    tmp_q, tmp_t = nq.with_suffix(".nq.tmp"), nt.with_suffix(".nt.tmp")
    with tmp_q.open("w", encoding="utf-8") as fq, tmp_t.open("w", encoding="utf-8") as ft:
        w = _Writer(fq, ft, n_triples)
        index = dict.fromkeys(_BLOCK, 0)
        try:
            for block in itertools.count():
                for pos, kind in enumerate(_BLOCK):
                    _card(w, pl, kind, index[kind], random.Random(seed * 7_919 + block * 20 + pos))
                    index[kind] += 1
        except _Full:
            pass
    tmp_q.replace(nq)
    tmp_t.replace(nt)
    return nq, nt


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
