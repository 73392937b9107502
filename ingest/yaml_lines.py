"""YAML with line numbers: compose with a safe loader, then walk the nodes ourselves.

Walking the composed node graph (instead of `yaml.load`) gives every value its YAML path
(`arch.context_length`, `datasets[2]`) and its 1-based line range, and lets us refuse what
the loader would happily expand: alias bombs, recursive aliases, absurd nesting. Duplicate
keys keep the first value and report both lines. Only `SafeLoader`/`CSafeLoader` are used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kg.ir import Finding

MAX_DEPTH = 64  # deeper documents are refused: no card needs it and it guards the walker
MIN_NODE_BUDGET = 50_000  # node visits allowed beyond twice the distinct nodes (aliases)
_MERGE_TAG = "tag:yaml.org,2002:merge"

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
    ("duplicate anchor", "give each anchor (&name) a unique name"),
)


@dataclass(slots=True)
class Leaf:
    """One scalar (or empty container) of a YAML document, with where it was written."""

    path: str
    segments: tuple[str | int, ...]
    value: Any
    raw: str
    line_start: int
    line_end: int
    empty: bool = False  # an empty list/map, kept so that its key is not lost


@dataclass(slots=True)
class YamlDoc:
    """A parsed YAML document: plain Python data, its leaves, and line spans of every node."""

    ok: bool
    data: Any = None
    leaves: list[Leaf] = field(default_factory=list)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def join_path(path: str, seg: str | int) -> str:
    """Extend a YAML path by a key (`a.b`) or an index (`a[0]`)."""
    if isinstance(seg, int):
        return f"{path}[{seg}]"
    return f"{path}.{seg}" if path else seg


def _hint_for(problem: str) -> str:
    for needle, hint in _HINTS:
        if needle in problem:
            return hint
    return "check the YAML syntax on this line (indentation, quotes, colons)"


def _flow_depth(text: str) -> int:
    """Upper bound of [ { nesting; deep flow nesting would overflow the C parser's stack."""
    depth = peak = 0
    for ch in text.translate({ord(c): None for c in set(text) - set("[]{}")}):
        depth = depth + 1 if ch in "[{" else max(depth - 1, 0)
        peak = max(peak, depth)
    return peak


def _compose_first(text: str, source: str, offset: int, findings: list[Finding]):
    """Compose the first document; report extra documents. Returns (node, fatal)."""
    loader_cls = yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader
    if _flow_depth(text) > MAX_DEPTH:
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
                        0,
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


def _distinct_nodes(root: Node) -> int:
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


class _Abort(Exception):
    """Stop walking: the document is hostile (alias bomb, recursion, depth)."""


class _Walker:
    def __init__(self, lines: list[str], source: str, offset: int, budget: int):
        self.lines = lines
        self.source = source
        self.offset = offset
        self.budget = budget
        self.visits = 0
        self.leaves: list[Leaf] = []
        self.spans: dict[str, tuple[int, int]] = {}
        self.findings: list[Finding] = []
        self.constructor = SafeConstructor()
        self.active: set[int] = set()

    def _end(self, node: Node, start: int, container: bool) -> int:
        mark = node.end_mark
        end = mark.line + 1 if mark.column > 0 else mark.line
        end = min(end, len(self.lines))
        while end > start:
            t = self.lines[end - 1].strip()
            if t and not (container and t.startswith("#")):
                break
            end -= 1
        return max(end, start) + self.offset

    def _finding(self, severity: str, code: str, line: int, message: str, hint: str) -> None:
        self.findings.append(Finding(severity, code, self.source, line, message, hint))

    def scalar(self, node: ScalarNode) -> Any:
        try:
            value = self.constructor.construct_object(node)
        except Exception:  # noqa: BLE001 - unknown tags (!!python/...) and bad timestamps
            line = node.start_mark.line + 1 + self.offset
            self._finding(
                "warning",
                "yaml-tag",
                line,
                f"value with tag {node.tag!r} kept as text",
                "remove the tag; cards hold plain values",
            )
            return node.value
        if isinstance(value, (dt.datetime, dt.date, str, int, float, bool)) or value is None:
            return value
        return node.value  # binary/set/omap tags: keep the text as written

    def walk(self, node: Node, segs: tuple, path: str, depth: int, key_line: int | None) -> Any:
        self.visits += 1
        if self.visits > self.budget:
            self._finding(
                "error",
                "alias-bomb",
                node.start_mark.line + 1 + self.offset,
                "aliases expand this document far beyond its size (an alias bomb?)",
                "do not nest aliases (*name) of large anchors",
            )
            raise _Abort
        if depth > MAX_DEPTH:
            self._finding(
                "error",
                "too-deep",
                node.start_mark.line + 1 + self.offset,
                f"the YAML nests deeper than {MAX_DEPTH} levels",
                "flatten the structure; cards need only a few levels",
            )
            raise _Abort
        start = key_line if key_line is not None else node.start_mark.line + 1 + self.offset
        if id(node) in self.active:
            self._finding(
                "error",
                "recursive-alias",
                node.start_mark.line + 1 + self.offset,
                f"'{path}' contains itself through an alias",
                "an alias cannot refer to its own anchor",
            )
            raise _Abort
        if isinstance(node, ScalarNode):
            end = self._end(node, node.start_mark.line + 1, False)
            value = self.scalar(node)
            self.leaves.append(Leaf(path, segs, value, node.value, start, max(end, start)))
            self.spans[path] = (start, max(end, start))
            return value
        end = max(self._end(node, node.start_mark.line + 1, True), start)
        self.spans[path] = (start, end)
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                out = [
                    self.walk(n, (*segs, i), join_path(path, i), depth + 1, None)
                    for i, n in enumerate(node.value)
                ]
                empty_raw = "[]"
            else:
                out = self.mapping(node, segs, path, depth)
                empty_raw = "{}"
        finally:
            self.active.discard(id(node))
        if not out and path:
            self.leaves.append(Leaf(path, segs, None, empty_raw, start, end, empty=True))
        return out

    def _key(self, key: Node) -> str:
        if isinstance(key, ScalarNode):
            return key.value
        self._finding(
            "warning",
            "complex-key",
            key.start_mark.line + 1 + self.offset,
            "a list or mapping is used as a key; it is kept as text",
            "use a plain text key",
        )
        try:
            return " ".join(yaml.serialize(key).split()).removesuffix("...").strip()
        except yaml.YAMLError:
            return f"<key at line {key.start_mark.line + 1}>"

    def _pairs(self, node: MappingNode):
        """Explicit pairs first, then `<<` merges (explicit keys win, like YAML merge keys)."""
        merged = []
        for k, v in node.value:
            if k.tag == _MERGE_TAG:
                sources = v.value if isinstance(v, SequenceNode) else [v]
                merged.extend(p for s in sources if isinstance(s, MappingNode) for p in s.value)
            else:
                yield k, v, False
        for k, v in merged:
            yield k, v, True

    def mapping(self, node: MappingNode, segs: tuple, path: str, depth: int) -> dict:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for k, v, from_merge in self._pairs(node):
            key = self._key(k)
            line = k.start_mark.line + 1 + self.offset
            if key in out:
                if not from_merge:
                    where = join_path(path, key)
                    self._finding(
                        "warning",
                        "duplicate-key",
                        line,
                        f"key '{where}' is repeated (first at line {first_line[key]}); the first value is kept",
                        "remove or rename one of the two keys",
                    )
                continue
            first_line[key] = line
            out[key] = self.walk(v, (*segs, key), join_path(path, key), depth + 1, line)
        return out


def load_yaml(text: str, source: str, line_offset: int = 0) -> YamlDoc:
    """Parse YAML text into data, leaves and spans; problems become findings, never exceptions.

    `line_offset` shifts all lines (for YAML embedded in a file, like markdown front matter).
    `ok` is False when nothing usable could be read (syntax error, alias bomb, not a mapping).
    """
    findings: list[Finding] = []
    root, fatal = _compose_first(text, source, line_offset, findings)
    if fatal:
        return YamlDoc(ok=False, findings=findings)
    if root is None:
        findings.append(
            Finding(
                "error",
                "empty-file",
                source,
                1 + line_offset,
                "the YAML document is empty",
                "add the card's fields, or delete the file",
            )
        )
        return YamlDoc(ok=False, findings=findings)
    if not isinstance(root, MappingNode):
        kind = "a list" if isinstance(root, SequenceNode) else "a single value"
        findings.append(
            Finding(
                "error",
                "not-a-mapping",
                source,
                root.start_mark.line + 1 + line_offset,
                f"the top level is {kind}, not a mapping of fields",
                "start the card with 'id: ...' / 'name: ...' fields at column 0",
            )
        )
        return YamlDoc(ok=False, findings=findings)
    budget = 2 * _distinct_nodes(root) + MIN_NODE_BUDGET
    walker = _Walker(text.splitlines(), source, line_offset, budget)
    try:
        data = walker.walk(root, (), "", 0, None)
    except _Abort:
        return YamlDoc(ok=False, findings=findings + walker.findings)
    except RecursionError:
        walker._finding(
            "error",
            "too-deep",
            1 + line_offset,
            "the YAML nests too deeply",
            "flatten the structure",
        )
        return YamlDoc(ok=False, findings=findings + walker.findings)
    return YamlDoc(
        ok=True,
        data=data,
        leaves=walker.leaves,
        spans=walker.spans,
        findings=findings + walker.findings,
    )
