"""The RDF sink: IR -> quads (one named graph per source) and generation-switched stores."""

from kg.rdf.mapping import quads_for, vocabulary_quads
from kg.rdf.store import RdfStore
from kg.rdf.terms import entity_iri, parse_entity_iri, source_iri

__all__ = [
    "RdfStore",
    "entity_iri",
    "parse_entity_iri",
    "quads_for",
    "source_iri",
    "vocabulary_quads",
]
