"""A small, fast YAML emitter for the synthetic KB generator.

PyYAML's dumper costs about a millisecond per card, too slow for 100k cards in under two
minutes, and it cannot write what real cards contain: folded and literal blocks, flow lists,
inline comments, blank lines between groups, numbers with underscores. This emitter writes
exactly those shapes from plain dicts and lists plus four marker types.
"""

from __future__ import annotations

import json
import re


class Raw(str):
    """Written verbatim as a scalar (dates, ``3_200_000`` counts, values with a ``# comment``)."""


class Flow(list):
    """A list written in flow style with quoted items: ``["a", "b"]``."""


class Block:
    """A multi-line string written as a block scalar, ``|`` (literal) or ``>-`` (folded)."""

    __slots__ = ("text", "style")

    def __init__(self, text: str, style: str = "|"):
        self.text, self.style = text, style


class Gap:
    """A dict key that writes a blank line (each instance is a distinct key)."""

    __slots__ = ()


_PLAIN = re.compile(r"[A-Za-z][\w./+()~=,:@'-]*(?: [\w./+()~=,:@'×-]+)*")
# PyYAML (YAML 1.1) reads these plain words as booleans or null.
_RESERVED = {"yes", "no", "y", "n", "on", "off", "true", "false", "null"}


def scalar(v: object) -> str:
    """One scalar as YAML text, quoted only when a plain scalar would change meaning."""
    if isinstance(v, Raw):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return str(v)
    if v is None:
        return "null"
    s = str(v)
    if _PLAIN.fullmatch(s) and ": " not in s and not s.endswith(":") and s.lower() not in _RESERVED:
        return s
    return json.dumps(s, ensure_ascii=False)


def _block(key: str, b: Block, ind: str, out: list[str]) -> None:
    out.append(f"{ind}{key}: {b.style}")
    if b.style.startswith(">"):  # folded: wrap at ~88 columns, as editors do
        lines, cur = [], ""
        for word in b.text.split():
            if cur and len(cur) + len(word) > 88:
                lines.append(cur)
                cur = word
            else:
                cur = f"{cur} {word}" if cur else word
        lines.append(cur)
    else:
        lines = b.text.rstrip("\n").split("\n")
    out.extend(f"{ind}  {line}" if line else "" for line in lines)


def emit(obj: dict, ind: str, out: list[str]) -> None:
    """Append the lines of mapping `obj`, indented by `ind`, to `out`."""
    for k, v in obj.items():
        if isinstance(k, Gap):
            out.append("")
        elif isinstance(v, dict):
            out.append(f"{ind}{k}:")
            emit(v, ind + "  ", out)
        elif isinstance(v, Block):
            _block(k, v, ind, out)
        elif isinstance(v, Flow):
            out.append(f"{ind}{k}: [{', '.join(json.dumps(x, ensure_ascii=False) for x in v)}]")
        elif isinstance(v, list):
            if not v:
                out.append(f"{ind}{k}: []")
                continue
            out.append(f"{ind}{k}:")
            for item in v:
                if isinstance(item, dict):
                    start = len(out)
                    emit(item, ind + "    ", out)
                    out[start] = f"{ind}  - {out[start][len(ind) + 4 :]}"
                else:
                    out.append(f"{ind}  - {scalar(item)}")
        else:
            out.append(f"{ind}{k}: {scalar(v)}")


def dump(obj: dict) -> str:
    """The YAML text of one card."""
    out: list[str] = []
    emit(obj, "", out)
    return "\n".join(out) + "\n"
