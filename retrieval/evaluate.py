"""Score a question answerer (and its retrieval) against a QA set.

Rules, as the QA-set contract states them:
- an answer is right when its first 1,200 characters contain every fact (any alternative),
  compared case-insensitively, with whitespace collapsed and thousands separators ignored
  ("131,072" matches "131072");
- an unanswerable question is right when the answer says `NOT_IN_KB`;
- a citation is right when its source is one of the question's gold sources;
- retrieval is right at k when a gold source is among the sources of the top-k chunks.

An `answer_fn(question) -> dict` returns the JSON answer shape
``{"question", "answer", "citations": [{"source", "lines", "entity", "quote"}], "intent",
"entities", "confidence"}``; a `search_fn(question) -> hits` returns ranked hits (objects with
``.chunk.source``, dicts with ``"source"``, or plain source strings).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

from retrieval.qa_set import QUESTION_TYPES, QAItem

NOT_IN_KB = "The knowledge base does not contain"
ANSWER_WINDOW = 1200
RECALL_AT = 5
MRR_DEPTH = 10

_THOUSANDS = re.compile(r"(?<=\d)[,\u2009\u202f'](?=\d{3}(?!\d))")


def normalise(text: str) -> str:
    """Lower case, whitespace collapsed, thousands separators between digits removed."""
    # Separators first: some (narrow no-break space) would otherwise collapse to a space.
    return " ".join(_THOUSANDS.sub("", str(text).lower()).split())


def fact_found(answer: str, alternatives: Iterable[str]) -> bool:
    """True when the answer's first ANSWER_WINDOW characters contain any alternative."""
    window = normalise(answer[:ANSWER_WINDOW])
    return any(normalise(alt) in window for alt in alternatives)


def says_not_in_kb(answer: str) -> bool:
    """True when the answer states that the KB does not contain the answer."""
    return normalise(NOT_IN_KB) in normalise(answer[:ANSWER_WINDOW])


def hit_source(hit) -> str:
    """The source path of a search hit, whatever its shape."""
    if isinstance(hit, str):
        return hit
    if isinstance(hit, dict):
        return str(hit.get("source", ""))
    chunk = getattr(hit, "chunk", hit)
    return str(getattr(chunk, "source", ""))


@dataclass(slots=True)
class ItemResult:
    """How one question fared."""

    id: str
    type: str
    held_out: bool
    correct: bool
    missing_facts: list[list[str]] = field(default_factory=list)
    citations: int = 0
    right_citations: int = 0
    searched: bool = False  # retrieval was scored for this question
    gold_rank: int | None = None  # 1-based rank of the first chunk from a gold source
    answer: str = ""
    error: str | None = None

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def summarise(items: list[ItemResult]) -> dict:
    """Metrics over a list of results (None where a metric has no denominator)."""
    ans = [r for r in items if r.answerable]
    cites = sum(r.citations for r in ans)
    ranked = [r for r in ans if r.searched]
    return {
        "n": len(items),
        "accuracy": _ratio(sum(r.correct for r in items), len(items)),
        "citation_hit": _ratio(sum(r.right_citations > 0 for r in ans), len(ans)),
        "citation_precision": _ratio(sum(r.right_citations for r in ans), cites),
        f"recall@{RECALL_AT}": _ratio(
            sum(r.gold_rank is not None and r.gold_rank <= RECALL_AT for r in ranked), len(ranked)
        ),
        "mrr": _ratio(sum(1 / r.gold_rank for r in ranked if r.gold_rank), len(ranked)),
    }


@dataclass(slots=True)
class Report:
    """Results of one system on one QA set, with overall and per-type metrics."""

    name: str
    items: list[ItemResult]

    def overall(self) -> dict:
        """Metrics over every question."""
        return summarise(self.items)

    def per_type(self) -> dict[str, dict]:
        """Metrics per question type (types absent from the set are left out)."""
        out = {}
        for t in QUESTION_TYPES:
            sub = [r for r in self.items if r.type == t]
            if sub:
                out[t] = summarise(sub)
        held = [r for r in self.items if r.held_out]
        if held:
            out["held_out"] = summarise(held)
        return out

    def to_dict(self) -> dict:
        """JSON-ready: name, overall, per_type and every item."""
        return {
            "name": self.name,
            "overall": self.overall(),
            "per_type": self.per_type(),
            "items": [asdict(r) for r in self.items],
        }

    def to_json(self, indent: int | None = 1) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def table(self):
        """A rich Table: one row per question type, then held-out and overall."""
        from rich.table import Table

        cols = ["n", "accuracy", "citation_hit", "citation_precision", f"recall@{RECALL_AT}", "mrr"]
        t = Table(title=f"{self.name}")
        t.add_column("type")
        for c in cols:
            t.add_column(c.replace("_", " "), justify="right")
        rows = [*self.per_type().items(), ("overall", self.overall())]
        for name, m in rows:
            t.add_row(name, *(_fmt(m[c]) for c in cols), end_section=name == "unanswerable")
        return t


def _fmt(v) -> str:
    if v is None:
        return "–"
    return str(v) if isinstance(v, int) else f"{v:.2f}"


def compare_table(reports: list[Report], metric: str = "accuracy"):
    """A rich Table of one metric per question type, one column per system."""
    from rich.table import Table

    t = Table(title=metric.replace("_", " "))
    t.add_column("type")
    for r in reports:
        t.add_column(r.name, justify="right")
    types = list(dict.fromkeys(k for r in reports for k in r.per_type()))
    for ty in [*types, "overall"]:
        vals = [
            (r.overall() if ty == "overall" else r.per_type().get(ty, {})).get(metric)
            for r in reports
        ]
        t.add_row(ty, *(_fmt(v) for v in vals))
    return t


def score_item(item: QAItem, answer: dict, hits: list | None) -> ItemResult:
    """Score one answer (and the search hits for its question, if given)."""
    text = str(answer.get("answer") or "")
    res = ItemResult(item.id, item.type, item.held_out, False, answer=text[:ANSWER_WINDOW])
    if item.type == "unanswerable":
        res.correct = says_not_in_kb(text)
    else:
        res.missing_facts = [list(f) for f in item.facts if not fact_found(text, f)]
        res.correct = not res.missing_facts
    gold = set(item.gold_sources)
    cites = answer.get("citations") or []
    res.citations = len(cites)
    res.right_citations = sum(isinstance(c, dict) and c.get("source") in gold for c in cites)
    if hits is not None:
        res.searched = True
        for rank, h in enumerate(hits[:MRR_DEPTH], start=1):
            if hit_source(h) in gold:
                res.gold_rank = rank
                break
    return res


def evaluate(
    qa_items: list[QAItem],
    answer_fn: Callable[[str], dict],
    search_fn: Callable[[str], list] | None = None,
    name: str = "system",
) -> Report:
    """Ask every question, score answers, citations and retrieval.

    An answer_fn that raises on a question scores that question as wrong (the error is kept
    on its result) instead of stopping the run.
    """
    results = []
    for item in qa_items:
        try:
            answer = answer_fn(item.question) or {}
            error = None
        except Exception as exc:  # noqa: BLE001 — one failing question must not end the run
            answer, error = {}, f"{type(exc).__name__}: {exc}"
        hits = list(search_fn(item.question)) if search_fn else None
        res = score_item(item, answer, hits)
        if error:
            res.error = error
        results.append(res)
    return Report(name, results)
