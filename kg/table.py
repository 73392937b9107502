"""The comparison table's data model: cells that keep every value with its provenance.

A `Table` is plain data (no store, no format): `kg.compare` builds it, `kg.table_formats`
renders it. Sorting is numeric-aware with missing values last; transposing swaps the axes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from kg.ir import Attribute


@dataclass(frozen=True, slots=True)
class CellValue:
    """One value in a cell, as written (`raw`), normalised (`value`) and where it comes from."""

    raw: str
    value: Any
    source: str
    line: int
    path: str
    unit: str | None = None

    @classmethod
    def of(cls, a: Attribute) -> CellValue:
        raw = " ".join(str(a.raw).split())  # folded YAML blocks become one line
        return cls(raw, a.value, a.prov.source, a.prov.line_start, a.path, a.unit)

    @property
    def where(self) -> str:
        """``source:line (yaml.path)``, for tooltips and footnotes."""
        return (
            f"{self.source}:{self.line} ({self.path})"
            if self.path
            else f"{self.source}:{self.line}"
        )


def value_key(v: CellValue) -> Any:
    """What makes two values the same: numbers by value, text case-insensitively."""
    if isinstance(v.value, bool) or v.value is None:
        return str(v.value if v.value is not None else v.raw).strip().casefold()
    if isinstance(v.value, int | float):
        return float(v.value)
    return str(v.value).strip().casefold()


@dataclass(slots=True)
class Cell:
    """A table cell: every value with its provenance; `conflict` when sources disagree."""

    values: list[CellValue] = field(default_factory=list)
    conflict: bool = False

    @property
    def missing(self) -> bool:
        return not self.values

    def distinct(self) -> list[CellValue]:
        """Values with duplicates (same normalised value) removed, first occurrence kept."""
        seen: set[Any] = set()
        out = []
        for v in self.values:
            k = value_key(v)
            if k not in seen:
                seen.add(k)
                out.append(v)
        return out

    @property
    def value(self) -> Any:
        """The normalised value: a scalar, a list when several distinct, None when missing.

        A value the normaliser could not read ("TBD") is None here; its text stays in `raw`.
        """
        vals = [v.value for v in self.distinct()]
        return None if not vals else vals[0] if len(vals) == 1 else vals

    def text(self, missing: str = "—", sep: str = "; ", conflict_sep: str = " / ") -> str:
        """Display text: raw values joined; conflicts joined by `conflict_sep`."""
        if not self.values:
            return missing
        return (conflict_sep if self.conflict else sep).join(v.raw for v in self.distinct())


@dataclass(frozen=True, slots=True)
class Column:
    """A column: a field (or, transposed, an entity)."""

    key: str
    label: str
    property: str | None = None
    source: str = ""  # set for entity columns of a transposed table
    line: int = 0


@dataclass(slots=True)
class Row:
    """A row: an entity (or, transposed, a field) and its cells, aligned with the columns."""

    key: str
    label: str
    cells: list[Cell]
    kind: str = ""
    source: str = ""
    line: int = 0


@dataclass(slots=True)
class Table:
    """A comparison table; `corner` names the row-label column ("Model", "Field")."""

    columns: list[Column]
    rows: list[Row]
    corner: str = "Entity"
    column_corner: str = "Field"  # what the columns are; becomes `corner` when transposed
    transposed: bool = False
    total: int | None = None  # entities matching a filter, when more than the rows shown

    def cell(self, row_key: str, column_key: str) -> Cell:
        """The cell at a row key (entity id) and column key (field key)."""
        col = [c.key for c in self.columns].index(column_key)
        return next(r for r in self.rows if r.key == row_key).cells[col]

    def sorted(self, column_key: str, descending: bool = False) -> Table:
        """Rows ordered by a column (numbers numerically, text case-insensitively, missing last)."""
        if column_key in ("name", "id") and column_key not in [c.key for c in self.columns]:
            keyed = [
                (r, [_sort_key_text(r.label if column_key == "name" else r.key)]) for r in self.rows
            ]
        else:
            col = [c.key for c in self.columns].index(column_key)
            keyed = [(r, sort_key(r.cells[col])) for r in self.rows]
        return replace(self, rows=order_rows(keyed, descending))

    def transpose(self) -> Table:
        """Fields become rows and entities columns (and back)."""
        columns = [Column(r.key, r.label, None, r.source, r.line) for r in self.rows]
        rows = [
            Row(c.key, c.label, [r.cells[i] for r in self.rows], "field", c.source, c.line)
            for i, c in enumerate(self.columns)
        ]
        return Table(
            columns, rows, self.column_corner, self.corner, not self.transposed, self.total
        )


def _sort_key_text(s: str) -> tuple:
    return (1, s.casefold())


def sort_key(cell: Cell) -> list[tuple] | None:
    """A cell's sort key: numbers (group 0) before text (group 1); None when missing."""
    if cell.missing:
        return None
    out = []
    for v in cell.distinct():
        val = v.value
        if isinstance(val, int | float) and not isinstance(val, bool):
            out.append((0, float(val)))
        else:
            out.append(_sort_key_text(str(val if val is not None else v.raw)))
    return out


def order_rows(keyed: list[tuple[Row, Any]], descending: bool) -> list[Row]:
    """Rows ordered by their keys; rows whose key is None (missing) come last either way."""
    present = [(r, k) for r, k in keyed if k is not None]
    # Numbers before text in both directions; only the values within each group flip. A
    # multi-valued cell sorts by its smallest value ascending and its largest descending.
    if descending:
        present.sort(key=lambda rk: sorted((g, _neg(x)) for g, x in rk[1]))
    else:
        present.sort(key=lambda rk: sorted(rk[1]))
    return [r for r, _ in present] + [r for r, k in keyed if k is None]


def _neg(x: Any) -> Any:
    return -x if isinstance(x, float) else _Reversed(x)


class _Reversed(str):
    """A string that sorts in reverse order (for descending text sorts)."""

    def __lt__(self, other: str) -> bool:  # type: ignore[override]
        return str.__gt__(self, other)

    def __gt__(self, other: str) -> bool:  # type: ignore[override]
        return str.__lt__(self, other)
