"""SHACL validation of the RDF graph against ``kg/shapes.ttl``, reported as `Finding`s.

Each result is traced back to a file and line through the provenance the mapping writes:
a result on an entity's property points at the line of the fact that carries the offending
value (``?entity nokg:fact ?f . ?f nokg:property ?path``); otherwise at the focus node's
own ``nokg:line`` and ``prov:wasDerivedFrom`` source.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from kg.ir import Finding
from kg.rdf.terms import NS

SHAPES = Path(__file__).resolve().parent / "shapes.ttl"

_NOKG = NS["nokg"]
_LINE, _PATH = URIRef(_NOKG + "line"), URIRef(_NOKG + "path")
_FACT, _PROPERTY = URIRef(_NOKG + "fact"), URIRef(_NOKG + "property")
_VALUE, _YAML_PATH = URIRef(_NOKG + "value"), URIRef(_NOKG + "yamlPath")
_DERIVED = URIRef(NS["prov"] + "wasDerivedFrom")
_IDENT = URIRef(NS["dcterms"] + "identifier")
_SEVERITY = {SH.Violation: "error", SH.Warning: "warning", SH.Info: "warning"}


@lru_cache(maxsize=4)
def _shapes_graph(path: str) -> Graph:
    return Graph().parse(path, format="turtle")


def _read_predicates(shapes: Graph) -> frozenset[str]:
    """Predicates the shapes (sh:path, sh:class via rdf:type) or the locator read."""
    paths = {str(o) for o in shapes.objects(None, SH.path) if isinstance(o, URIRef)}
    own = (_LINE, _PATH, _FACT, _PROPERTY, _VALUE, _YAML_PATH, _DERIVED, _IDENT, RDF.type)
    return frozenset(paths | {str(p) for p in own})


def _data_graph(data: ox.Store | Iterable[ox.Quad], keep: frozenset[str]) -> Graph:
    """The union of every named graph as one rdflib graph (SHACL sees one graph), keeping
    only the predicates validation reads: section text and prose links are most of the
    bytes and rdflib's parser, not pyshacl, was the slower half of a run."""
    if isinstance(data, ox.Store):
        quads: Iterable[ox.Quad] = (
            q for p in sorted(keep) for q in data.quads_for_pattern(None, ox.NamedNode(p), None)
        )
    else:
        quads = (q for q in data if q.predicate.value in keep)
    text = ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES) or b""
    return Graph().parse(data=text, format="nt")


def _short(node: object) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


class _Locator:
    """Maps a focus node (and property) to ``(source path, line)`` via the graph's provenance."""

    def __init__(self, g: Graph):
        self.g = g

    def _site(self, node: object) -> tuple[str, int] | None:
        src = self.g.value(node, _DERIVED)
        if src is None:
            return None
        path = self.g.value(src, _PATH)
        return (str(path) if path is not None else str(src)), self._line(node)

    def _line(self, node: object) -> int:
        line = self.g.value(node, _LINE)
        return int(line.toPython()) if isinstance(line, Literal) else 0

    def _facts_for(self, focus: object, path: object, value: object) -> list[object]:
        facts = [f for f in self.g.objects(focus, _FACT) if (f, _PROPERTY, path) in self.g]
        if value is not None:
            facts = [f for f in facts if (f, _VALUE, value) in self.g] or facts
        return sorted(facts, key=lambda f: (self._line(f), str(f)))

    def locate(self, focus: object, path: object, value: object) -> tuple[str, int, str, str]:
        """(source, line, label, note) of a validation result; the note lists other lines."""
        label, note = str(self.g.value(focus, _IDENT) or ""), ""
        facts = self._facts_for(focus, path, value) if path is not None else []
        if facts:
            label = f"{label} {self.g.value(facts[0], _YAML_PATH)}".strip()
            site = self._site(facts[0])
            sites = sorted({s for f in facts if (s := self._site(f))})
            if len({src for src, _ in sites}) > 1:  # a doc claims another value than the card
                note = " (written at " + ", ".join(f"{src}:{n}" for src, n in sites) + ")"
            elif len(sites) > 1:
                note = " (written at lines " + ", ".join(str(n) for _, n in sites) + ")"
            elif len(facts) > 1 and sites:
                note = f" ({len(facts)} values on line {sites[0][1]})"
        else:
            owner = next(iter(self.g.subjects(_FACT, focus)), None)
            if owner is not None:  # the focus is itself a fact
                label = f"{self.g.value(owner, _IDENT) or _short(owner)} {self.g.value(focus, _YAML_PATH) or ''}".strip()
            site = self._site(focus)
        source, line = site or ("", 0)
        return source, line, label or _short(focus), note


def validate(data: ox.Store | Iterable[ox.Quad], shapes: Path | None = None) -> list[Finding]:
    """Validate a store (all its graphs) or a list of quads; return one finding per result.

    Args:
        data: a pyoxigraph store (e.g. a generation opened read-only) or quads.
        shapes: a Turtle file of SHACL shapes (default: ``kg/shapes.ttl``).

    Returns:
        Findings with code ``shacl-<constraint>`` (e.g. ``shacl-datatype``), severity
        ``error`` for violations and ``warning`` otherwise, sorted by source and line.
    """
    if data is None:
        return []
    sg = _shapes_graph(str(shapes or SHAPES))
    g = _data_graph(data, _read_predicates(sg))
    _, report, _ = pyshacl.validate(
        g, shacl_graph=sg, inference="none", allow_warnings=True, allow_infos=True
    )
    locator = _Locator(g)
    findings = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        shape = report.value(result, SH.sourceShape)
        component = report.value(result, SH.sourceConstraintComponent)
        message = str(report.value(result, SH.resultMessage) or "does not conform")
        hint = str(sg.value(shape, SH.description) or "") if shape is not None else ""
        source, line, label, note = locator.locate(focus, path, value)
        if isinstance(value, Literal):
            message += f" (found {str(value)!r})"
        elif isinstance(value, URIRef):
            message += f" (found {_short(value)!r})"
        message += note
        code = "shacl-" + _short(component).removesuffix("ConstraintComponent").lower()
        severity = _SEVERITY.get(report.value(result, SH.resultSeverity), "error")
        findings.append(Finding(severity, code, source, line, f"{label}: {message}", hint))
    # One bad value can break several constraints of one shape (a string that is neither
    # an integer nor >= 1): report the problem once.
    unique = {
        (f.source, f.line, f.message): f
        for f in sorted(findings, key=lambda f: f.code, reverse=True)
    }
    return sorted(unique.values(), key=lambda f: (f.source, f.line, f.code, f.message))
