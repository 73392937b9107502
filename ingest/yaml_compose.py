"""Compose the first YAML document safely, turning every parser failure into a Finding.

`CSafeLoader` (libyaml) is used when available, the pure-Python `SafeLoader` otherwise and
for deeply nested flow collections, where the C parser could exhaust the C stack while
Python only raises RecursionError. Syntax errors carry the line of the YAML mark and a
hint; documents after the first are reported, not read.
"""

from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from kg.ir import Finding

MAX_DEPTH = 64  # deeper documents are refused: no card needs it and it guards the walker

_HINTS = (
    ("'\\t'", "YAML does not allow tabs for indentation; indent with spaces"),
    (
        "mapping values are not allowed",
        "a value contains ': ' — quote the value or fix the indentation",
    ),
    ("could not find expected ':'", "a key is missing its ':' or a quoted string is not closed"),
    ("undefined alias", "define the anchor (&name) before using *name"),
    ("expected <block end>", "this line's indentation does not match the lines above it"),
    ("unexpected end of stream", "a quote or bracket is never closed"),
    ("expected ',' or ']'", "a flow list [..] is not closed or lacks a comma"),
    ("expected ',' or '}'", "a flow mapping {..} is not closed or lacks a comma"),
    ("did not find expected key", "this line is indented differently from the keys above it"),
    ("duplicate anchor", "give each anchor (&name) a unique name"),
)


def _hint_for(problem: str) -> str:
    for needle, hint in _HINTS:
        if needle in problem:
            return hint
    return "check the YAML syntax on this line (indentation, quotes, colons)"


def _second_document_line(text: str) -> int:
    """The line of the '---' that starts a second document (1 when it cannot be found)."""
    starts = [i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("---")]
    body = [i for i in starts if i > 1] or starts
    return body[0] if body else 1


def flow_depth(text: str) -> int:
    """Upper bound of [ { nesting; deep flow nesting would overflow the C parser's stack."""
    depth = peak = 0
    for ch in text.translate({ord(c): None for c in set(text) - set("[]{}")}):
        depth = depth + 1 if ch in "[{" else max(depth - 1, 0)
        peak = max(peak, depth)
    return peak


def compose_first(text: str, source: str, offset: int, findings: list[Finding]):
    """Compose the first document; report extra documents. Returns (node, fatal)."""
    loader_cls = yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader
    if flow_depth(text) > MAX_DEPTH:
        loader_cls = yaml.SafeLoader  # pure Python: deep nesting raises RecursionError, not a crash
    for attempt in (loader_cls, yaml.SafeLoader):
        loader = attempt(text)
        try:
            node = loader.get_node() if loader.check_node() else None
            try:
                if node is not None and loader.check_node():
                    line = loader.peek_event().start_mark.line + 1 + offset
                    findings.append(
                        Finding(
                            "warning",
                            "multi-document",
                            source,
                            line,
                            "the file holds more than one YAML document; only the first is read",
                            "split the documents into separate files or remove the extra '---'",
                        )
                    )
            except yaml.YAMLError:
                findings.append(
                    Finding(
                        "warning",
                        "multi-document",
                        source,
                        _second_document_line(text) + offset,
                        "text after the first YAML document is not valid YAML and was ignored",
                        "remove the extra '---' and what follows, or fix it",
                    )
                )
            return node, False
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = (mark.line + 1 if mark else 1) + offset
            problem = exc.problem or exc.context or "invalid YAML"
            lines = text.splitlines()
            bad = lines[line - offset - 1] if 0 < line - offset <= len(lines) else ""
            hint = _hint_for("'\\t'" if "\t" in bad[: len(bad) - len(bad.lstrip())] else problem)
            ctx = exc.context_mark
            if exc.problem and exc.context and ctx is not None and ctx.line + 1 + offset != line:
                problem += f" ({exc.context.strip()} that starts at line {ctx.line + 1 + offset})"
            findings.append(
                Finding("error", "yaml-syntax", source, line, f"YAML syntax error: {problem}", hint)
            )
            return None, True
        except RecursionError:
            findings.append(
                Finding(
                    "error",
                    "too-deep",
                    source,
                    1 + offset,
                    f"the YAML nests deeper than the parser can follow (limit {MAX_DEPTH})",
                    "flatten the structure; cards need only a few levels",
                )
            )
            return None, True
        except yaml.YAMLError as exc:
            findings.append(
                Finding(
                    "error",
                    "yaml-syntax",
                    source,
                    1 + offset,
                    f"YAML error: {exc}",
                    "check the YAML syntax",
                )
            )
            return None, True
        except Exception:  # noqa: BLE001 - the C loader fails oddly on recursive anchors: retry in Python
            if attempt is yaml.SafeLoader:
                findings.append(
                    Finding(
                        "error",
                        "yaml-syntax",
                        source,
                        1 + offset,
                        "the YAML could not be read",
                        "check anchors and aliases (&name, *name)",
                    )
                )
                return None, True
        finally:
            loader.dispose()
    return None, True


def distinct_nodes(root: Node) -> int:
    seen: set[int] = set()
    stack = [root]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, SequenceNode):
            stack.extend(n.value)
        elif isinstance(n, MappingNode):
            for k, v in n.value:
                stack.extend((k, v))
    return len(seen)
