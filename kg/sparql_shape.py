"""What a SPARQL query is, read from its text before it runs: its form, its own LIMIT,
whether it is a bounded lookup, and whether it may run at all (no SERVICE, no updates).

Analysis works on a *masked* copy of the query (strings, IRIs and comments blanked, same
length), so a literal such as "SERVICE desk" or <http://x/load> never trips a keyword check
and positions in the mask are positions in the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kg.errors import ForbiddenQueryError, QueryError

# Lexical tokens that may hide keywords, as the grammar defines them: long strings, short
# strings (no raw CR/LF), IRIREFs (their own character class plus \u escapes, so `?a<?b`
# stays an operator), and comments, which end at CR *or* LF (`# x\rSERVICE <y> {}` is a
# comment and a SERVICE clause to the parser).
_MASK = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\''
    r'|<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>|#[^\n\r]*'
)
_PROLOGUE = re.compile(r"\s*(?:(?:BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)\s*)*", re.I)


def keyword(*words: str) -> re.Pattern[str]:
    """A case-insensitive pattern for whole SPARQL keywords: not part of a variable
    (?load), a prefixed name (ex:drop) or a longer word."""
    return re.compile(r"(?<![?$:\w])(" + "|".join(words) + r")(?![:\w])", re.I)


_FORM = keyword("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATE_OPS = keyword(
    "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"
)
NEVER_IN_UPDATE = {"SERVICE", "LOAD", "CLEAR", "DROP", "MOVE", "COPY"}
# The lexer's view of a masked query: variables, blank nodes, prefixed names, language tags
# and numbers are taken whole first (the parser reads them greedily too), so the bare words
# left are keywords and function names. The parser matches keywords without word
# boundaries (`?s ?p 1SERVICE <x> {}` and `?s ?p trueSERVICE <x> {}` both parse, and would
# fetch <x>), so a forbidden keyword anywhere inside a bare word counts.
_LEX = re.compile(
    r"[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+"  # variable
    r"|@[A-Za-z]+(?:-[A-Za-z0-9]+)*"  # language tag
    r"|_:[\w.\-\u00b7\u0300-\u036f\u203f-\u2040]+"  # blank node
    r"|(?:[A-Za-z_][\w.\-]*)?:[\w.\-:%\\]*"  # prefixed name
    r"|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?"  # number
    r"|([A-Za-z_]\w*)"  # bare word
    r"|\S"
)
# Words that make a query not a bounded lookup (SELECT: a second one is a sub-select).
_SLOW = {
    "DISTINCT", "REDUCED", "FILTER", "OPTIONAL", "MINUS", "GRAPH", "BIND", "VALUES", "ORDER",
    "GROUP", "HAVING", "EXISTS", "FROM", "LATERAL", "COUNT", "SUM", "MIN", "MAX", "AVG",
    "SAMPLE", "GROUP_CONCAT", "OFFSET", "SERVICE", "CONSTRUCT", "DESCRIBE",
}  # fmt: skip
_UNION_OF_GROUPS = re.compile(r"\s*\{[^{}]*\}(?:\s*UNION\s*\{[^{}]*\})*\s*", re.I)
_GROUP = re.compile(r"\{([^{}]*)\}")
# Triple-pattern tokens: separators (`;` `,` and a `.` before a space), or terms.
_TOKEN = re.compile(r"[;,]|\.(?=\s|$)|(?:[^\s;,.]|\.(?!\s|$))+")
_NOT_PLAIN = re.compile(r"[()\[\]+|/!\\]|<<|\^(?!\^)")
_LIMIT = re.compile(r"(?<![?$:\w])LIMIT\s+(\d+)", re.I)
DATASET_CLAUSE = re.compile(r"(?<![?$:\w])FROM\s+(?:NAMED\s+)?(?:<[^>]*>|[^\s{]*:[^\s{]*)", re.I)
VARIABLE = re.compile(r"[?$]([\w\u00b7\u0300-\u036f\u203f-\u2040]+)")


@lru_cache(maxsize=64)
def masked(query: str) -> str:
    """The query with strings, IRIs and comments blanked (same length, same positions)."""

    def blank(m: re.Match[str]) -> str:
        s = m.group(0)
        if s[0] == "#":
            return " " * len(s)
        return s[0] + "_" * (len(s) - 2) + s[-1]

    return _MASK.sub(blank, query)


@dataclass(frozen=True)
class Shape:
    """What a query is, read from its text before it runs.

    kind: 'select', 'ask', 'graph' (CONSTRUCT/DESCRIBE) or 'unknown' (left to the parser).
    fast: one plain triple pattern per group (UNION), so every index step yields a row and
        the row cap bounds the work: safe to run in the serving process.
    limit: the query's own top-level LIMIT, if any.
    values: the query has a VALUES clause (so a LIMIT cannot simply be appended).
    """

    kind: str
    form_at: int
    fast: bool
    limit: int | None
    values: bool = False
    plain: bool = False  # plain triple patterns only: a candidate for kg.sparql_cost
    # The plain patterns per UNION branch (not sent to workers: see Prepared.to_wire).
    groups: tuple[tuple[Pattern, ...], ...] | None = field(default=None, compare=False, repr=False)


@lru_cache(maxsize=1024)
def analyse(query: str) -> Shape:
    """Classify a read-only query and refuse anything that could write or reach out.

    Cached by query text: clients repeat their queries, and a hit costs ~1 µs instead of
    the ~30 µs of reading a lookup's text.
    """
    m = masked(query)
    found = bare_words(m)
    words = [w for w, _ in found]
    if any("SERVICE" in w for w in words):
        at = next(at for w, at in found if "SERVICE" in w)
        raise ForbiddenQueryError(
            f"SERVICE is not allowed (at character {at + 1}): queries may not make "
            "outbound requests"
        )
    if "\\u" in m or "\\U" in m:
        raise QueryError("malformed query: \\u escapes are only allowed inside strings and IRIs")
    start = _PROLOGUE.match(m).end()  # type: ignore[union-attr]
    form = _FORM.match(m, start)
    if form is None:
        if (upd := _UPDATE_OPS.match(m, start)) is not None:
            raise ForbiddenQueryError(
                f"{upd.group(1).upper()} is a SPARQL Update: this endpoint only runs queries; "
                "send updates as `update=` with the bearer token"
            )
        return Shape("unknown", start, False, None)
    word = form.group(1).upper()
    kind = {"SELECT": "select", "ASK": "ask"}.get(word, "graph")
    groups = None
    if kind != "graph" and words.count("SELECT") <= 1 and _SLOW.isdisjoint(words):
        groups = plain_groups(query, m, form.end())
    fast = groups is not None and all(_one_pattern(g) for g in groups)
    limit = _top_limit(m) if "LIMIT" in words else None
    frozen = None if groups is None else tuple(tuple(g) for g in groups)
    return Shape(kind, form.start(), fast, limit, "VALUES" in words, groups is not None, frozen)


def bare_words(m: str) -> list[tuple[str, int]]:
    """The keywords (and function names) of a masked query, upper-cased, with positions."""
    return [(t.group(1).upper(), t.start()) for t in _LEX.finditer(m) if t.group(1)]


def _top_limit(m: str) -> int | None:
    last = None
    for hit in _LIMIT.finditer(m):
        if m.count("{", 0, hit.start()) == m.count("}", 0, hit.start()):
            last = int(hit.group(1))
    return last


Pattern = tuple[str, str, str]


def plain_groups(query: str, m: str, after_form: int) -> list[list[Pattern]] | None:
    """The triple patterns (as written) of a query whose WHERE is one group, or a UNION of
    groups, of plain triple patterns (`;` and `,` expanded) with no modifier but LIMIT;
    None for anything else."""
    rest = m[after_form:]
    open_at, close_at = rest.find("{"), rest.rfind("}")
    if open_at < 0 or "*" in rest[open_at:] or _NOT_PLAIN.search(rest):
        return None
    if rest[close_at + 1 :].split()[:1] not in ([], ["LIMIT"], ["limit"]):
        return None
    body = (after_form + open_at + 1, after_form + close_at)
    if "{" in m[body[0] : body[1]]:
        if not _UNION_OF_GROUPS.fullmatch(m, *body):
            return None
        spans = [g.span(1) for g in _GROUP.finditer(m, *body)]
    else:
        spans = [body]
    groups = []
    for a, b in spans:
        tokens = [(t.group(0), query[t.start() : t.end()]) for t in _TOKEN.finditer(m, a, b)]
        patterns = _patterns(tokens)
        if patterns is None:
            return None
        groups.append(patterns)
    return groups


def _patterns(tokens: list[tuple[str, str]]) -> list[Pattern] | None:
    """Triple patterns from (masked, written) tokens; None when they are not plain triples."""
    out: list[Pattern] = []
    subject = pred = None
    expect = "s"  # what the next token is: subject, predicate, object, or a separator
    for tok, text in tokens:
        if expect == "sep":
            if tok == ".":
                expect = "s"
            elif tok == ";":
                expect = "p|end"
            elif tok == ",":
                expect = "o"
            else:
                return None
        elif tok in ".;,":
            if not (expect == "p|end" and tok == "."):
                return None
            expect = "s"
        elif expect == "s":
            subject, expect = text, "p"
        elif expect in ("p", "p|end"):
            pred, expect = text, "o"
        else:
            out.append((subject, pred, text))  # type: ignore[arg-type]
            expect = "sep"
    return out if expect in ("s", "sep", "p|end") else None


def is_var(term: str) -> bool:
    """A variable or blank node in a triple pattern."""
    return term[0] in "?$" or term.startswith("_:")


def _one_pattern(group: list[Pattern]) -> bool:
    # Every index step of a lone pattern yields a row (unless a variable repeats).
    if len(group) > 1:
        return False
    variables = [t for t in group[0] if is_var(t)] if group else []
    return len(set(variables)) == len(variables)
