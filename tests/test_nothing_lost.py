"""Nothing in a card is lost: every scalar leaf of every corpus card is in SQL and SPARQL,
with its YAML path and a line that really holds it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import yaml

CARD_FOLDERS = (
    "kb/model_cards",
    "kb/paper_cards",
    "kb/datasets",
    "kb/integration_cards",
    "configs/experiments",
)


def scalar_leaves(node, path=""):
    """(yaml path, value) of every scalar leaf, in the path syntax the parsers use."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from scalar_leaves(v, f"{path}.{k}" if path else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from scalar_leaves(v, f"{path}[{i}]")
    else:
        yield path, node


def corpus_cards(corpus):
    for folder in CARD_FOLDERS:
        for f in sorted((corpus / folder).glob("*.yaml")):
            if f.stem != "template":
                yield f.relative_to(corpus).as_posix(), f


def line_holds(lines: list[str], line: int, path: str, value) -> bool:
    """The cited line holds the key or the value (block scalars: the key's line)."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    key = path.rsplit(".", 1)[-1].split("[")[0]
    if isinstance(value, dt.date):
        value = value.isoformat()
    if isinstance(value, bool):
        return key in text or str(value).lower() in text.lower()
    first_words = str(value).strip().split("\n")[0][:20] if value is not None else ""
    return key in text or (bool(first_words) and first_words in text)


def test_every_scalar_leaf_is_in_sql_and_sparql(corpus, corpus_kb):
    sql = corpus_kb.stores.sql
    in_sql: dict[str, dict[str, int]] = defaultdict(dict)
    ids = [e.id for e in sql.all_entities()]
    for attrs in sql.attributes_for(ids).values():
        for a in attrs:
            in_sql[a.prov.source][a.path] = a.prov.line_start

    result = corpus_kb.sparql(
        """SELECT ?file ?path ?line WHERE {
             ?f nokg:yamlPath ?path ; nokg:line ?line ; prov:wasDerivedFrom ?src .
             ?src nokg:path ?file }""",
        max_rows=10**7,
    )
    assert not result.truncated
    in_rdf: dict[str, dict[str, int]] = defaultdict(dict)
    for file, path, line in result.rows:
        in_rdf[file.value][path.value] = int(line.value)

    checked = 0
    missing = []
    for rel, f in corpus_cards(corpus):
        lines = f.read_text(encoding="utf-8").splitlines()
        for path, value in scalar_leaves(yaml.safe_load(f.read_text(encoding="utf-8"))):
            checked += 1
            for store, found in (("sql", in_sql), ("sparql", in_rdf)):
                line = found[rel].get(path)
                if line is None or not line_holds(lines, line, path, value):
                    missing.append(f"{store}: {rel}: {path} (line {line})")
    assert checked > 3000
    assert missing == []
