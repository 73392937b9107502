"""QA sets for evaluation: load a YAML list of questions and validate every item.

Format (one mapping per question)::

    - id: q001
      type: lookup        # lookup | relation | filter | compare | multi_hop | text | unanswerable
      question: "What is the maximum context length of Caduceus?"
      facts: [["131072", "131,072", "131k"]]   # each inner list is one required fact
      gold_sources: ["kb/model_cards/caduceus.yaml"]
      held_out: true      # optional: a question over docs nobody tuned on

A malformed file raises `QASetError` listing every problem as ``file:line: what — hint``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from kg.errors import KGError
from kg.ir import Finding

QUESTION_TYPES = ("lookup", "relation", "filter", "compare", "multi_hop", "text", "unanswerable")
REQUIRED = ("id", "type", "question", "facts", "gold_sources")
OPTIONAL = ("held_out", "notes")


class QASetError(KGError):
    """A QA set file is malformed; `findings` says where and what."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("\n".join(str(f) for f in findings))


@dataclass(frozen=True, slots=True)
class QAItem:
    """One evaluation question with the facts a right answer must contain."""

    id: str
    type: str
    question: str
    facts: tuple[tuple[str, ...], ...]
    gold_sources: tuple[str, ...]
    held_out: bool = False
    source: str = ""
    line: int = 0


def load_qa(path: str | Path) -> list[QAItem]:
    """Read and validate a QA YAML file.

    Raises:
        QASetError: the file cannot be read or an item is malformed (all problems listed).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise QASetError([Finding("error", "qa-read", str(p), 0, f"cannot read: {exc}")]) from exc
    return parse_qa(text, str(p))


def parse_qa(text: str, source: str = "<qa>") -> list[QAItem]:
    """Parse and validate QA YAML text; `source` names it in error messages."""
    problems: list[Finding] = []

    def bad(line: int, msg: str, hint: str = "") -> None:
        problems.append(Finding("error", "qa-item", source, line, msg, hint))

    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise QASetError(
            [Finding("error", "yaml-syntax", source, line, f"YAML syntax: {exc}", "fix the YAML")]
        ) from exc
    if root is None or not isinstance(root, yaml.SequenceNode):
        line = root.start_mark.line + 1 if root is not None else 1
        raise QASetError(
            [
                Finding(
                    "error",
                    "qa-shape",
                    source,
                    line,
                    "a QA set is a YAML list of questions",
                    "start each question with '- id: ...'",
                )
            ]
        )
    items: list[QAItem] = []
    seen: dict[str, int] = {}
    for node in root.value:
        item = _item(node, bad)
        if item is None:
            continue
        if item.id in seen:
            bad(item.line, f"duplicate id {item.id!r}", f"first used on line {seen[item.id]}")
            continue
        seen[item.id] = item.line
        items.append(QAItem(**{**_asdict(item), "source": source}))
    if problems:
        raise QASetError(problems)
    return items


def _asdict(item: QAItem) -> dict:
    return {f: getattr(item, f) for f in QAItem.__slots__}


def _item(node: yaml.Node, bad) -> QAItem | None:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        bad(line, "each question must be a mapping", "write 'id:', 'type:', 'question:', ...")
        return None
    fields = {k.value: (v, k.start_mark.line + 1) for k, v in node.value}
    data = yaml.safe_load(yaml.serialize(node))
    ok = True
    for key in REQUIRED:
        if key not in fields:
            bad(line, f"missing {key!r}", f"every question needs {', '.join(REQUIRED)}")
            ok = False
    for key, (_, kline) in fields.items():
        if key not in REQUIRED + OPTIONAL:
            bad(kline, f"unknown key {key!r}", f"allowed: {', '.join(REQUIRED + OPTIONAL)}")
            ok = False
    if not ok:
        return None
    at = {k: ln for k, (_, ln) in fields.items()}
    qtype, question = data["type"], data["question"]
    if qtype not in QUESTION_TYPES:
        bad(
            at["type"],
            f"type {qtype!r} is not a question type",
            f"use one of {', '.join(QUESTION_TYPES)}",
        )
        ok = False
    if not isinstance(question, str) or not question.strip():
        bad(at["question"], "question must be non-empty text")
        ok = False
    facts = _facts(fields["facts"][0], bad)
    gold = data["gold_sources"]
    if not isinstance(gold, list) or not all(isinstance(g, str) and g for g in gold):
        bad(
            at["gold_sources"],
            "gold_sources must be a list of paths",
            'e.g. ["kb/model_cards/x.yaml"]',
        )
        ok = False
    if facts is None:
        ok = False
    elif qtype == "unanswerable" and (facts or gold):
        bad(
            line,
            "an unanswerable question has no facts and no gold sources",
            "write facts: [] and gold_sources: []",
        )
        ok = False
    elif qtype != "unanswerable" and ok and (not facts or not gold):
        bad(
            line,
            "an answerable question needs at least one fact and one gold source",
            "or set type: unanswerable",
        )
        ok = False
    if not ok:
        return None
    held = data.get("held_out", False)
    if not isinstance(held, bool):
        bad(at["held_out"], "held_out must be true or false")
        return None
    return QAItem(str(data["id"]), qtype, question.strip(), facts, tuple(gold), held, "", line)


def _facts(node: yaml.Node, bad) -> tuple[tuple[str, ...], ...] | None:
    """Facts are a list of alternative lists; each problem is reported at its own line."""
    hint = 'write facts: [["131072", "131,072"], ["hg38"]] (one inner list per fact)'
    if not isinstance(node, yaml.SequenceNode):
        bad(node.start_mark.line + 1, "facts must be a list of lists of strings", hint)
        return None
    out = []
    for fact in node.value:
        fline = fact.start_mark.line + 1
        if not isinstance(fact, yaml.SequenceNode) or not fact.value:
            bad(fline, "each fact must be a non-empty list of alternatives", hint)
            return None
        alts = []
        for alt in fact.value:
            if not isinstance(alt, yaml.ScalarNode) or not alt.value.strip():
                bad(alt.start_mark.line + 1, "a fact alternative must be non-empty text", hint)
                return None
            alts.append(alt.value.strip())
        out.append(tuple(alts))
    return tuple(out)
