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

from ingest.yaml_compose import MAX_DEPTH, compose_first, distinct_nodes
from kg.ir import Finding

MIN_NODE_BUDGET = 50_000  # node visits allowed beyond twice the distinct nodes (aliases)
_MERGE_TAG = "tag:yaml.org,2002:merge"
_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("seq", "map", "omap", "pairs", "set")}


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
        if node.tag not in _PLAIN_TAGS:
            self._finding(
                "warning",
                "yaml-tag",
                node.start_mark.line + 1 + self.offset,
                f"'{path}' has the tag {node.tag!r}; its contents are kept as plain data",
                "remove the tag; cards hold plain values",
            )
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
    root, fatal = compose_first(text, source, line_offset, findings)
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
    budget = 2 * distinct_nodes(root) + MIN_NODE_BUDGET
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
