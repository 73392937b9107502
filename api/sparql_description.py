"""The SPARQL service description (W3C SPARQL 1.1 Service Description) of `/sparql`."""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import Request, Response

from api.sparql_service import SparqlService
from kg.sparql_exec import GRAPH_FORMATS, media_type, negotiate

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_RESULT_FORMATS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "JSON-LD", "RDF_XML",
)  # fmt: skip


def _sd(local: str) -> ox.NamedNode:
    return ox.NamedNode(SD + local)


def describe_service(request: Request, svc: SparqlService) -> Response:
    """The description as Turtle (or N-Triples, JSON-LD, RDF/XML by Accept / ?format=)."""
    endpoint = ox.NamedNode(str(request.url.replace(query="")))
    service, dataset, default = ox.BlankNode("service"), ox.BlankNode("ds"), ox.BlankNode("dg")
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), endpoint),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, _sd("Graph")),
    ]
    if svc.settings.update_token:
        triples.append(ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Update")))
    triples += [
        ox.Triple(service, _sd("resultFormat"), ox.NamedNode(FORMATS + f)) for f in _RESULT_FORMATS
    ]
    fmt = negotiate("graph", request.headers.get("accept"), request.query_params.get("format"))
    body = ox.serialize(triples, format=GRAPH_FORMATS[fmt][1], prefixes={"sd": SD})
    return Response(body, media_type=media_type(fmt), headers={"Vary": "Accept"})
