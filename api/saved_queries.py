"""Saved, parameterised SPARQL queries: `queries/*.rq` in the KB folder, run by name.

A saved query is a SPARQL file whose leading comments describe it::

    # title: Models of a modality
    # description: Models whose cards name a modality, with their architecture.
    # param: modality entity — a modality id, name or alias, e.g. fMRI
    # param: min_year integer = 2020 — the earliest publication year
    SELECT ?model ?name ?modality WHERE { ... ?model nokg:hasModality ?modality ... }

`# param: NAME TYPE [= DEFAULT] [— description]` declares `?NAME`; without a default the
parameter is required. Types: `iri`, `entity` (an id, name or alias, bound to the entity's
IRI), `string`, `integer`, `decimal`, `boolean`, `date`. Values are bound as RDF terms
through pyoxigraph's substitutions (never spliced into the text), so a value cannot change
the query; pyoxigraph binds only variables the SELECT clause projects (or `SELECT *`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError, QueryError, UnknownEntityError
from kg.sparql import projection
from kg.sparql_shape import analyse

XSD = "http://www.w3.org/2001/XMLSchema#"
TYPES = ("iri", "entity", "string", "integer", "decimal", "boolean", "date")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_HEADER = re.compile(r"^#\s*(title|description|param)\s*:\s*(.*)$", re.I)
_PARAM = re.compile(r"^\??(\w+)\s+(\w+)(?:\s*=\s*(\S+))?\s*(?:(?:—|–|--?)\s*(.*))?$")


@dataclass(frozen=True)
class Param:
    """A declared parameter of a saved query."""

    name: str
    type: str
    default: str | None = None
    description: str = ""


@dataclass
class SavedQuery:
    """One `queries/NAME.rq` file."""

    name: str
    path: Path
    text: str
    title: str = ""
    description: str = ""
    params: list[Param] = field(default_factory=list)
    problem: str | None = None  # why it cannot run (file:line: what, and what to do)

    def to_dict(self) -> dict:
        """The description served by GET /queries."""
        return {
            "name": self.name,
            "title": self.title or self.name,
            "description": self.description,
            "params": [
                {"name": p.name, "type": p.type, "required": p.default is None,
                 "default": p.default, "description": p.description}
                for p in self.params
            ],
            "problem": self.problem,
        }  # fmt: skip


def load(kb_root: Path) -> dict[str, SavedQuery]:
    """Every `*.rq` file in `<kb>/queries/`, by name (sorted)."""
    folder = Path(kb_root) / "queries"
    if not folder.is_dir():
        return {}
    out = {}
    for f in sorted(folder.glob("*.rq")):
        if _NAME.match(f.stem) and f.is_file() and not f.is_symlink():
            out[f.stem] = parse(f.stem, f, f.read_text(encoding="utf-8", errors="replace"))
    return out


def parse(name: str, path: Path, text: str) -> SavedQuery:
    """Read a saved query's header comments and check its parameters are bindable."""
    q = SavedQuery(name, path, text)
    for n, line in enumerate(text.splitlines(), 1):
        m = _HEADER.match(line.strip())
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2).strip()
        if key != "param":
            setattr(q, key, value)
            continue
        pm = _PARAM.match(value)
        if not pm or pm.group(2).lower() not in TYPES:
            q.problem = (
                f"queries/{path.name}:{n}: cannot read parameter {value!r} — write "
                f"`# param: NAME TYPE [= DEFAULT] — description` with TYPE one of {', '.join(TYPES)}"
            )
            continue
        q.params.append(Param(pm.group(1), pm.group(2).lower(), pm.group(3), pm.group(4) or ""))
    try:
        shape = analyse(text)
        names = projection(text, shape) if shape.kind == "select" else None
    except KGError as exc:
        q.problem = q.problem or f"queries/{path.name}: {exc}"
        return q
    missing = [p.name for p in q.params if names is not None and p.name not in names]
    if missing and q.problem is None:
        q.problem = (
            f"queries/{path.name}: parameter ?{missing[0]} is not in the SELECT clause — "
            "add it there (or use SELECT *): only projected variables can be bound"
        )
    return q


def bind(q: SavedQuery, given: dict[str, str], resolve_iri) -> tuple[tuple[str, object], ...]:
    """The substitutions for a run: each declared parameter's value as an RDF term.

    Args:
        q: the saved query.
        given: query-string values by parameter name.
        resolve_iri: entity reference -> IRI (raises UnknownEntityError).
    """
    if q.problem:
        raise QueryError(f"saved query {q.name!r} cannot run: {q.problem}")
    declared = {p.name for p in q.params}
    extra = sorted(set(given) - declared)
    if extra:
        raise QueryError(
            f"saved query {q.name!r} has no parameter {extra[0]!r}; its parameters are: "
            + (", ".join(sorted(declared)) or "none")
        )
    out = []
    for p in q.params:
        value = given.get(p.name, p.default)
        if value is None:
            raise QueryError(f"saved query {q.name!r} needs `{p.name}` ({p.type})")
        out.append((p.name, term(p, value, resolve_iri)))
    return tuple(out)


def term(p: Param, value: str, resolve_iri) -> ox.NamedNode | ox.Literal:
    """A parameter value as the RDF term of its declared type."""
    try:
        if p.type == "iri":
            if ":" not in value:
                raise ValueError("not an absolute IRI")
            return ox.NamedNode(value)
        if p.type == "entity":
            return ox.NamedNode(resolve_iri(value))
        if p.type == "integer":
            return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
        if p.type == "decimal":
            return ox.Literal(str(float(value)), datatype=ox.NamedNode(XSD + "decimal"))
        if p.type == "boolean":
            if value.lower() not in ("true", "false", "1", "0"):
                raise ValueError("use true or false")
            b = value.lower() in ("true", "1")
            return ox.Literal("true" if b else "false", datatype=ox.NamedNode(XSD + "boolean"))
        if p.type == "date":
            return ox.Literal(
                date.fromisoformat(value).isoformat(), datatype=ox.NamedNode(XSD + "date")
            )
        return ox.Literal(value)
    except UnknownEntityError:
        raise
    except ValueError as exc:
        raise QueryError(f"parameter `{p.name}` must be {p.type}: {value!r} ({exc})") from exc
