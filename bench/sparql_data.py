"""Synthetic RDF in the shape the KB's RDF sink writes (kg/rdf/mapping.py), at any size.

Per source file, one named graph ``{base}/source/{path}`` holding the ``nokg:SourceFile``;
each entity with its classes, ``schema:name``, ``dcterms:identifier`` and provenance; each
attribute as a direct triple plus a ``nokg:Fact`` (yamlPath, raw, property, value, line);
each link as a direct triple plus an ``rdf:Statement`` with the same provenance. Entities,
names and numbers come from bench.synth's plan, so ids match a synthetic KB of the same seed.
The data is written once as N-Quads and N-Triples (same triples) and cached.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import random
from pathlib import Path
from urllib.parse import quote

from bench.synth.plan import MODS, WORDS, Plan
from kg.vocab import DEFAULT_BASE_IRI, ONTOLOGY_IRI

FORMAT_VERSION = 5  # bump when the shape changes, so cached files are rebuilt
TRIPLES_PER_CARD = 92  # measured average of the shapes below; sizes the id ranges
_NS = {
    "nokg": ONTOLOGY_IRI,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "schema": "http://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


_SAFE = "/._-~"  # what kg.rdf.terms leaves unescaped in IRI fragments ("[" is not allowed)


def c(curie: str) -> str:
    """An N-Triples IRI from a CURIE."""
    prefix, local = curie.split(":", 1)
    return f"<{_NS[prefix]}{local}>"


A, NAME, IDENT = c("rdf:type"), c("schema:name"), c("dcterms:identifier")
DERIVED, LINE, LINE_END = c("prov:wasDerivedFrom"), c("nokg:line"), c("nokg:lineEnd")


def lit(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def typed(v: int | str, xsd: str = "integer") -> str:
    return f'"{v}"^^<{_NS["xsd"]}{xsd}>'


def entity(kind: str, ident: str) -> str:
    return f"<{DEFAULT_BASE_IRI}/{kind}/{ident}>"


class Full(Exception):
    """The requested number of triples has been written."""


class QuadWriter:
    """Writes each triple to both files: as a quad in the current source's graph, and plain."""

    def __init__(self, nq, nt, n: int):
        self.nq, self.nt, self.n, self.count = nq, nt, n, 0
        self.src = ""

    def t(self, s: str, p: str, o: str) -> None:
        if self.count >= self.n:
            raise Full
        self.nq.write(f"{s} {p} {o} {self.src} .\n")
        self.nt.write(f"{s} {p} {o} .\n")
        self.count += 1

    def source(self, path: str, kind: str) -> None:
        self.src = f"<{DEFAULT_BASE_IRI}/source/{path}>"
        self.t(self.src, A, c("nokg:SourceFile"))
        self.t(self.src, c("nokg:path"), lit(path))
        self.t(self.src, c("nokg:sha256"), lit(hashlib.sha256(path.encode()).hexdigest()))
        self.t(self.src, c("nokg:sourceKind"), lit(kind))

    def prov(self, s: str, line: int, end: int) -> None:
        self.t(s, DERIVED, self.src)
        self.t(s, LINE, typed(line))
        self.t(s, LINE_END, typed(end))

    def entity(self, kind: str, ident: str, name: str, classes: list[str], lines: int) -> str:
        e = entity(kind, ident)
        for cls in classes:
            self.t(e, A, c(cls))
        self.t(e, NAME, lit(name))
        self.t(e, IDENT, lit(ident))
        self.prov(e, 1, lines)
        return e

    def fact(self, e: str, ident: str, yaml_path: str, value: str, raw: str, line: int,
             prop: str | None = None, predicate: str | None = None) -> None:  # fmt: skip
        """A reified fact; with a canonical `prop` also its property and the direct triple."""
        f = f"{self.src[:-1]}#fact/{ident}/{quote(yaml_path, safe=_SAFE)}>"
        self.t(e, c("nokg:fact"), f)
        self.t(f, A, c("nokg:Fact"))
        self.t(f, c("nokg:yamlPath"), lit(yaml_path))
        self.t(f, c("nokg:raw"), lit(raw))
        self.prov(f, line, line)
        self.t(f, c("nokg:value"), value)
        if prop:
            self.t(f, c("nokg:property"), c(predicate))
            self.t(f, c("nokg:propertyName"), lit(prop))
            if prop != "name":
                self.t(e, c(predicate), value)

    def link(
        self, s: str, sid: str, predicate: str, o: str, oid: str, yaml_path: str, line: int
    ) -> None:
        """A resolved reference: the direct triple and its rdf:Statement."""
        p = c(predicate)
        self.t(s, p, o)
        st = f"{self.src[:-1]}#rel/{sid}/{predicate.split(':')[1]}/{oid}>"
        self.t(st, A, c("rdf:Statement"))
        self.t(st, c("rdf:subject"), s)
        self.t(st, c("rdf:predicate"), p)
        self.t(st, c("rdf:object"), o)
        self.t(st, c("nokg:ref"), lit(oid))
        self.t(st, c("nokg:yamlPath"), lit(yaml_path))
        self.prov(st, line, line)


def _pick(rng: random.Random, n: int, k: int) -> list[int]:
    """k distinct indices below n: a repeated link would be a duplicate triple."""
    return rng.sample(range(n), min(k, n))


def _model(w: QuadWriter, pl: Plan, i: int, rng: random.Random) -> None:
    m = pl.model(i)
    mid = m["id"]
    w.source(f"kb/model_cards/{mid}.yaml", "model_card")
    e = w.entity("model", mid, m["name"], ["nokg:Model"], 70)
    w.fact(e, mid, "name", lit(m["name"]), m["name"], 2, "name", "schema:name")
    w.fact(
        e,
        mid,
        "modality",
        entity("modality", m["modality"]),
        m["modality"],
        3,
        "modality",
        "nokg:hasModality",
    )
    w.fact(e, mid, "domain", lit(m["domain"]), m["domain"], 4, "domain", "nokg:domain")
    w.fact(e, mid, "arch.type", lit(m["arch"]), m["arch"], 9, "architecture", "nokg:architecture")
    params = m["params_m"] * 1_000_000
    w.fact(
        e,
        mid,
        "arch.parameters",
        typed(params),
        f"~{m['params_m']}M",
        11,
        "parameters",
        "nokg:parameterCount",
    )
    ctx = m["ctx"]
    w.fact(
        e, mid, "context_length", typed(ctx), str(ctx), 24, "context_length", "nokg:contextLength"
    )
    lic = rng.choice(WORDS["license"])
    w.fact(e, mid, "license.code", lit(lic), lic, 33, "license", "schema:license")
    for k, d in enumerate(_pick(rng, pl.n["dataset"], rng.randint(1, 4))):
        did = pl.dataset(d)
        w.link(e, mid, "nokg:usesDataset", entity("dataset", did), did, f"datasets[{k}]", 40 + k)
    for k, tag in enumerate(rng.sample(WORDS["tag"], rng.randint(2, 4))):
        w.fact(e, mid, f"tags[{k}]", lit(tag), tag, 60 + k, "tag", "schema:keywords")


def _paper(w: QuadWriter, pl: Plan, i: int, rng: random.Random) -> None:
    stem, year, m = pl.paper(i)
    w.source(f"kb/paper_cards/{stem}.yaml", "paper_card")
    title = f"{stem.replace('_', ' ').title()}: {rng.choice(WORDS['purpose'])}"
    e = w.entity("paper", stem, title, ["nokg:Paper", "schema:ScholarlyArticle"], 30)
    w.fact(e, stem, "title", lit(title), title, 1, "title", "dcterms:title")
    w.fact(e, stem, "year", typed(year, "gYear"), str(year), 3, "year", "dcterms:date")
    venue = f"{rng.choice(WORDS['venue'])} {year}"
    w.fact(e, stem, "venue", lit(venue), venue, 4, "venue", "nokg:venue")
    author = f"{rng.choice(WORDS['surname'])}, A."
    w.fact(e, stem, "authors[0]", lit(author), author, 2, "author", "schema:author")
    if m is not None:
        mid = pl.model(m)["id"]
        w.link(e, stem, "nokg:describes", entity("model", mid), mid, "related_to[0]", 25)


def _dataset(w: QuadWriter, pl: Plan, i: int, rng: random.Random) -> None:
    did = pl.dataset(i)
    mod = did.split("_")[1]
    w.source(f"kb/datasets/{did}.yaml", "dataset_card")
    e = w.entity("dataset", did, did.replace("_", " "), ["nokg:Dataset", "dcat:Dataset"], 20)
    w.fact(
        e, did, "modalities[0]", entity("modality", mod), mod, 15, "modality", "nokg:hasModality"
    )
    access = rng.choice(["public", "restricted", "controlled"])
    w.fact(e, did, "access", lit(access), access, 17, "access", "nokg:access")
    n = rng.randrange(100, 500_000)
    w.fact(e, did, "counts.subjects", typed(n), f"{n:_}", 13)  # a generic attribute


def _other(w: QuadWriter, pl: Plan, kind: str, i: int, rng: random.Random) -> None:
    if kind == "integration":
        ident = pl.integration(i)
        w.source(f"kb/integration_cards/{ident}.yaml", "integration_card")
        e = w.entity(kind, ident, ident.replace("_", " "), ["nokg:IntegrationPattern"], 25)
        n_models = 3
    else:
        ident = pl.experiment(i)[0]
        w.source(f"configs/experiments/{ident}.yaml", "experiment")
        e = w.entity(kind, ident, ident.replace("_", " "), ["nokg:Experiment"], 40)
        n_models = 1
        strategy = pl.strategy(0, rng.randrange(len(MODS)))
        w.link(
            e,
            ident,
            "nokg:usesStrategy",
            entity("strategy", strategy),
            strategy,
            "embedding_strategies.a",
            14,
        )
    w.fact(e, ident, "status", lit("drafting"), "drafting", 4, "status", "nokg:status")
    for k, m in enumerate(_pick(rng, pl.n["model"], n_models)):
        mid = pl.model(m)["id"]
        w.link(e, ident, "nokg:usesModel", entity("model", mid), mid, f"models[{k}]", 6 + k)
    for k, d in enumerate(_pick(rng, pl.n["dataset"], 2)):
        did = pl.dataset(d)
        w.link(e, ident, "nokg:usesDataset", entity("dataset", did), did, f"datasets[{k}]", 12 + k)


# One block of 20 cards in the KB's 40/35/15/5/5 mix, interleaved so that stopping at an
# exact triple count trims every kind evenly.
_BLOCK = ["model"] * 8 + ["paper"] * 7 + ["dataset"] * 3 + ["integration", "experiment"]


def synthetic_data(folder: Path, n_triples: int, seed: int = 0) -> tuple[Path, Path]:
    """The (N-Quads, N-Triples) files of exactly `n_triples` triples, written once to `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"synthetic-{n_triples}-s{seed}-v{FORMAT_VERSION}"
    nq, nt = stem.with_suffix(".nq"), stem.with_suffix(".nt")
    if nq.exists() and nt.exists():
        return nq, nt
    pl = Plan(math.ceil(n_triples / TRIPLES_PER_CARD), seed, 0.0)
    tmp_q, tmp_t = nq.with_suffix(".nq.tmp"), nt.with_suffix(".nt.tmp")
    with tmp_q.open("w", encoding="utf-8") as fq, tmp_t.open("w", encoding="utf-8") as ft:
        w = QuadWriter(fq, ft, n_triples)
        index = dict.fromkeys(_BLOCK, 0)
        build = {"model": _model, "paper": _paper, "dataset": _dataset}
        try:
            for block in itertools.count():
                for pos, kind in enumerate(_BLOCK):
                    rng = random.Random(seed * 7_919 + block * 20 + pos)
                    if kind in build:
                        build[kind](w, pl, index[kind], rng)
                    else:
                        _other(w, pl, kind, index[kind], rng)
                    index[kind] += 1
        except Full:
            pass
    tmp_q.replace(nq)
    tmp_t.replace(nt)
    return nq, nt
