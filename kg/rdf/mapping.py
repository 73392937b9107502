"""IR -> RDF quads: one named graph per source file, every fact reified with its YAML path.

Per source graph ``{base}/source/{path}``:

* the source itself: ``nokg:SourceFile`` with path, sha256 and kind;
* each entity: its classes, ``schema:name``, ``dcterms:identifier``, ``skos:altLabel``,
  ``prov:wasDerivedFrom`` the source and its ``nokg:line``/``nokg:lineEnd``;
* each attribute: a direct triple for canonical properties (typed literal or IRI) and a
  ``nokg:Fact`` node with ``nokg:yamlPath``, ``nokg:raw``, ``nokg:value``, ``nokg:property``,
  ``nokg:line``, ``nokg:lineEnd`` and ``prov:wasDerivedFrom`` — for generic attributes too;
* each relation: the direct triple and an ``rdf:Statement`` with the same provenance;
* each markdown section: a ``nokg:Section`` with heading path, level, text and lines.

Fact and statement nodes are IRIs (not blank nodes) derived from the source, entity and
path, so they are stable across ingests and a SHACL result can name them.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping

from pyoxigraph import Literal, NamedNode, Quad

from kg.ir import Attribute, Entity, LinkedSource, Relation, Section
from kg.rdf.terms import (
    CLASSES,
    OBJECT_KINDS,
    entity_iri,
    fragment,
    iri,
    literal_for,
    property_term,
    relation_term,
    source_iri,
    vocab_graph_iri,
)
from kg.vocab import MODALITIES

A = iri("rdf:type")
NAME, IDENT, ALT = iri("schema:name"), iri("dcterms:identifier"), iri("skos:altLabel")
ALT_NAME, PREF = iri("schema:alternateName"), iri("skos:prefLabel")
DERIVED, PART_OF, HAS_PART = (
    iri("prov:wasDerivedFrom"),
    iri("dcterms:isPartOf"),
    iri("dcterms:hasPart"),
)
LINE, LINE_END = iri("nokg:line"), iri("nokg:lineEnd")
FACT, FACT_CLASS, YAML_PATH, RAW = (
    iri("nokg:fact"),
    iri("nokg:Fact"),
    iri("nokg:yamlPath"),
    iri("nokg:raw"),
)
VALUE, PROPERTY, PROPERTY_NAME = iri("nokg:value"), iri("nokg:property"), iri("nokg:propertyName")
UNIT, REF = iri("nokg:unit"), iri("nokg:ref")
STATEMENT = iri("rdf:Statement")
SUBJ, PRED, OBJ = iri("rdf:subject"), iri("rdf:predicate"), iri("rdf:object")
SOURCE_FILE, PATH = iri("nokg:SourceFile"), iri("nokg:path")
SHA256, SOURCE_KIND = iri("nokg:sha256"), iri("nokg:sourceKind")
SECTION, HEADING_PATH, LEVEL, TEXT = (
    iri("nokg:Section"),
    iri("nokg:headingPath"),
    iri("nokg:level"),
    iri("nokg:text"),
)
LABEL = iri("rdfs:label")
CODE = iri("schema:SoftwareSourceCode")
CONCEPT, SCHEME, IN_SCHEME = iri("skos:Concept"), iri("skos:ConceptScheme"), iri("skos:inScheme")
TOP_OF, NOTATION = iri("skos:topConceptOf"), iri("skos:notation")


class _Writer:
    """Collects the quads of one source graph; knows how to name its nodes."""

    def __init__(self, linked: LinkedSource, base: str, kinds: Mapping[str, str]):
        self.base = base.rstrip("/")
        self.path = linked.path
        self.src_iri = source_iri(self.base, linked.path)
        self.src = NamedNode(self.src_iri)
        self.graph = self.src
        # A view, not a copy: copying the KB-wide map per source made a cold build
        # quadratic (at 100k cards most of the RDF stage went into these copies).
        self.kinds = ChainMap({e.id: e.kind for e in linked.parsed.entities}, kinds)
        self.quads: list[Quad] = []
        self._used: set[str] = set()

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.quads.append(Quad(s, p, o, self.graph))

    def node(self, *parts: str) -> NamedNode:
        """A stable IRI inside the source; repeated names get ``~2``, ``~3`` …"""
        name = f"{self.src_iri}#{fragment(*parts)}"
        unique, n = name, 1
        while unique in self._used:
            n += 1
            unique = f"{name}~{n}"
        self._used.add(unique)
        return NamedNode(unique)

    def entity(self, id: str, kind: str | None = None) -> NamedNode:
        if kind is None:
            kind = self.kinds.get(id) or ("doc" if id.endswith(".md") else "entity")
        return NamedNode(entity_iri(self.base, kind, id))

    def provenance(self, s: NamedNode, line_start: int, line_end: int) -> None:
        self.add(s, DERIVED, self.src)
        self.add(s, LINE, Literal(line_start))
        self.add(s, LINE_END, Literal(line_end))

    def source(self, linked: LinkedSource) -> None:
        sf = linked.parsed.source
        self.add(self.src, A, SOURCE_FILE)
        self.add(self.src, PATH, Literal(sf.path))
        self.add(self.src, SHA256, Literal(sf.sha256))
        self.add(self.src, SOURCE_KIND, Literal(sf.kind))

    def write_entity(self, e: Entity) -> None:
        s = self.entity(e.id, e.kind)
        for curie in CLASSES.get(e.kind, ("nokg:Entity",)):
            self.add(s, A, iri(curie))
        self.add(s, NAME, Literal(e.name))
        self.add(s, IDENT, Literal(e.id))
        if e.kind == "modality":
            self.add(s, PREF, Literal(e.name))
        for alias in e.aliases:
            self.add(s, ALT, Literal(alias))
        if e.parent:
            self.add(s, PART_OF, self.entity(e.parent))
        self.provenance(s, e.prov.line_start, e.prov.line_end)

    def write_attribute(self, a: Attribute, names: Mapping[str, str]) -> None:
        s = self.entity(a.entity)
        f = self.node("fact", a.entity, a.path)
        self.add(s, FACT, f)
        self.add(f, A, FACT_CLASS)
        self.add(f, YAML_PATH, Literal(a.path))
        self.add(f, RAW, Literal(str(a.raw)))
        if a.unit:
            self.add(f, UNIT, Literal(a.unit))
        self.provenance(f, a.prov.line_start, a.prov.line_end)
        if a.property is None:
            value = literal_for(a.value, a.datatype)
            if value is not None:
                self.add(f, VALUE, value)
            return
        predicate, kind = property_term(a.property, a.datatype)
        self.add(f, PROPERTY, predicate)
        self.add(f, PROPERTY_NAME, Literal(a.property))
        value = self._direct_value(a, kind)
        if value is not None:
            self.add(f, VALUE, value)
        if value is None or kind == "ref":
            return
        if kind == "modality":
            # "smri,fmri" (a list the normaliser joined) asserts each vocabulary concept
            for mid in str(a.value).split(","):
                if mid in MODALITIES:
                    self.add(s, predicate, self.entity(mid, "modality"))
        elif a.property == "name":
            if names.get(a.entity) not in (None, a.value):
                self.add(s, ALT_NAME, value)  # one schema:name per entity; others alternate
        else:
            self.add(s, predicate, value)
            if a.property == "repo" and isinstance(value, NamedNode):
                self.add(value, A, CODE)

    def _direct_value(self, a: Attribute, kind: str) -> Literal | NamedNode | None:
        if kind == "modality" and isinstance(a.value, str) and a.value in MODALITIES:
            return self.entity(a.value, "modality")
        if kind in ("modality", "ref"):
            return literal_for(a.value, "string")
        return literal_for(a.value, kind)

    def write_relation(self, r: Relation) -> None:
        s, p = self.entity(r.subject), relation_term(r.predicate)
        o = self.entity(r.object, self.kinds.get(r.object) or OBJECT_KINDS.get(r.predicate))
        self.add(s, p, o)
        st = self.node("rel", r.subject, r.predicate, r.object)
        self.add(st, A, STATEMENT)
        self.add(st, SUBJ, s)
        self.add(st, PRED, p)
        self.add(st, OBJ, o)
        if r.ref:
            self.add(st, REF, Literal(r.ref))
        if r.prov.path:
            self.add(st, YAML_PATH, Literal(r.prov.path))
        self.provenance(st, r.prov.line_start, r.prov.line_end)

    def write_section(self, sec: Section) -> None:
        doc = self.entity(sec.doc, "doc")
        anchor = sec.id.split("#", 1)[1] if "#" in sec.id else sec.id
        s = NamedNode(f"{doc.value}#{fragment(anchor)}")
        self.add(s, A, SECTION)
        self.add(s, PART_OF, doc)
        self.add(doc, HAS_PART, s)
        self.add(s, HEADING_PATH, Literal(" > ".join(sec.heading_path)))
        if sec.heading_path:
            self.add(s, LABEL, Literal(sec.heading_path[-1]))
        self.add(s, LEVEL, Literal(sec.level))
        self.add(s, TEXT, Literal(sec.text))
        self.provenance(s, sec.prov.line_start, sec.prov.line_end)


def quads_for(
    linked: LinkedSource, base_iri: str, kinds: Mapping[str, str] | None = None
) -> list[Quad]:
    """All quads of one source, in its named graph ``{base}/source/{path}``.

    Args:
        linked: the parsed and linked source.
        base_iri: base of entity IRIs (``{base}/{kind}/{id}``).
        kinds: entity id -> kind for every entity of the KB, so relation objects defined in
            other files get their exact IRI. Without it the kind is taken from this source,
            then from the predicate (``uses_dataset`` -> dataset, …); ids ending in ``.md``
            are docs, anything else falls back to ``{base}/entity/{id}``.
    """
    w = _Writer(linked, base_iri, kinds or {})
    w.source(linked)
    parsed = linked.parsed
    names = {e.id: e.name for e in parsed.entities}
    for e in parsed.entities:
        w.write_entity(e)
    for a in parsed.attributes:
        w.write_attribute(a, names)
    for r in linked.relations:
        w.write_relation(r)
    for sec in parsed.sections:
        w.write_section(sec)
    return w.quads


def vocabulary_quads(base_iri: str) -> list[Quad]:
    """The modality vocabulary (kg.vocab.MODALITIES) as a SKOS scheme in ``{base}/vocab``."""
    base = base_iri.rstrip("/")
    graph = NamedNode(vocab_graph_iri(base))
    scheme = NamedNode(f"{base}/modality")
    quads = [
        Quad(scheme, A, SCHEME, graph),
        Quad(scheme, PREF, Literal("Modalities"), graph),
    ]
    for mid, spec in MODALITIES.items():
        c = NamedNode(entity_iri(base, "modality", mid))
        quads += [
            Quad(c, A, CONCEPT, graph),
            Quad(c, IN_SCHEME, scheme, graph),
            Quad(c, TOP_OF, scheme, graph),
            Quad(c, PREF, Literal(spec["label"]), graph),
            Quad(c, NOTATION, Literal(mid), graph),
        ]
        quads += [Quad(c, ALT, Literal(s), graph) for s in spec["synonyms"]]
    return quads
