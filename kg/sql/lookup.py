"""Finding entities by what people type: ids, names, aliases, fuzzy text and facets."""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process
from sqlalchemy import Select, func, or_, select

from kg.ir import KINDS
from kg.sql.models import AliasRecord, AttributeRecord, EntityRecord, RelationRecord, normalise_key
from kg.sql.store_read import EntityRow, SqlReads
from kg.vocab import MODALITIES

_ORIGIN_RANK = {"id": 0, "name": 1, "alias": 2}
_E, _A, _AT, _R = EntityRecord, AliasRecord, AttributeRecord, RelationRecord


def _kind_rank(kind: str) -> int:
    return KINDS.index(kind) if kind in KINDS else len(KINDS)


class SqlLookup(SqlReads):
    """Name resolution, fuzzy suggestions, filtered listing and facet counts."""

    _suggest_cache: tuple[str | None, list[str], list[str], list[tuple[str, int, int]]] | None = (
        None
    )

    def _best(self, stmt: Select) -> str | None:
        rows = self._rows(stmt.join(_E, _E.id == _A.entity_id).add_columns(_E.kind))
        if not rows:
            return None
        best = min(
            rows, key=lambda r: (_ORIGIN_RANK.get(r.origin, 3), _kind_rank(r.kind), r.entity_id)
        )
        return best.entity_id

    def resolve(self, ref: str) -> str | None:
        """Entity id for `ref`: exact id, then case-insensitive id/name/alias, then normalised."""
        ref = ref.strip()
        if not ref:
            return None
        if self._rows(select(_E.id).where(_E.id == ref)):
            return ref
        base = select(_A.entity_id, _A.origin)
        found = self._best(base.where(func.lower(_A.alias) == ref.lower()))
        if found is None and (norm := normalise_key(ref)):
            found = self._best(base.where(_A.norm == norm))
        return found

    def suggest(self, ref: str, n: int = 3) -> list[str]:
        """Up to `n` entity ids whose id, name or alias looks most like `ref` (fuzzy).

        Each key scores the better of a weighted fuzzy match on the text and a plain ratio on
        the normalised form ("Brain-LMM" ~ "brainlm"). Equal scores prefer cards over docs
        (kind order of `kg.ir.KINDS`), then ids over names over aliases.
        """
        generation = self.current_generation()
        if self._suggest_cache is None or self._suggest_cache[0] != generation:
            stmt = (
                select(_A.alias, _A.norm, _A.entity_id, _A.origin, _E.kind)
                .join(_E, _E.id == _A.entity_id)
                .order_by(_A.id)
            )
            rows = self._rows(stmt)
            meta = [(r.entity_id, _kind_rank(r.kind), _ORIGIN_RANK.get(r.origin, 3)) for r in rows]
            self._suggest_cache = (
                generation,
                [r.alias for r in rows],
                [r.norm for r in rows],
                meta,
            )
        _, keys, norms, meta = self._suggest_cache
        limit = n * 8
        best: dict[int, float] = {}
        for _k, score, i in process.extract(
            ref, keys, scorer=fuzz.WRatio, processor=default_process, limit=limit, score_cutoff=60
        ):
            best[i] = score
        if norm := normalise_key(ref):
            for _k, score, i in process.extract(
                norm, norms, scorer=fuzz.ratio, limit=limit, score_cutoff=60
            ):
                best[i] = max(score, best.get(i, 0.0))
        ranked = sorted(best, key=lambda i: (-round(best[i]), meta[i][1], meta[i][2], len(keys[i])))
        out: list[str] = []
        for i in ranked:
            if meta[i][0] not in out:
                out.append(meta[i][0])
        return out[:n]

    def find_entities(
        self,
        kind: str | None = None,
        modality: str | None = None,
        tag: str | None = None,
        q: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[EntityRow], int]:
        """Filter entities; returns one page (ordered by name) and the total match count."""
        stmt = select(_E)
        if kind:
            stmt = stmt.where(_E.kind == kind)
        if modality:
            by_rel = select(_R.subject).where(_R.predicate == "has_modality", _R.object == modality)
            by_attr = select(_AT.entity_id).where(_AT.property == "modality", _has_id(modality))
            stmt = stmt.where(or_(_E.id.in_(by_rel), _E.id.in_(by_attr)))
        if tag:
            tagged = select(_AT.entity_id).where(
                _AT.property == "tag", func.lower(_AT.value_text) == tag.lower()
            )
            stmt = stmt.where(_E.id.in_(tagged))
        if q:
            named = select(_A.entity_id).where(
                func.lower(_A.alias).contains(q.lower(), autoescape=True)
            )
            stmt = stmt.where(_E.id.in_(named))
        total = self._rows(select(func.count()).select_from(stmt.subquery()))[0][0]
        page = stmt.order_by(func.lower(_E.name), _E.id).limit(max(limit, 0)).offset(max(offset, 0))
        return self._entity_rows(self._rows(page)), int(total)

    def facet_counts(self, kind: str | None = None) -> dict[str, dict[str, int]]:
        """How many entities (of `kind`) carry each modality and each tag."""
        rel = select(_R.subject.label("e"), _R.object.label("v")).where(
            _R.predicate == "has_modality"
        )
        att = select(_AT.entity_id.label("e"), _AT.value_text.label("v")).where(
            _AT.property == "modality", _AT.value_text.is_not(None)
        )
        tags = select(_AT.entity_id.label("e"), _AT.value_text.label("v")).where(
            _AT.property == "tag", _AT.value_text.is_not(None)
        )
        if kind:
            of_kind = select(_E.id).where(_E.kind == kind)
            rel = rel.where(_R.subject.in_(of_kind))
            att = att.where(_AT.entity_id.in_(of_kind))
            tags = tags.where(_AT.entity_id.in_(of_kind))

        pairs = {(r.e, r.v) for r in self._rows(rel)}
        pairs |= {(r.e, m) for r in self._rows(att) for m in r.v.split(",") if m in MODALITIES}
        modality: dict[str, int] = {}
        for _e, m in pairs:
            modality[m] = modality.get(m, 0) + 1
        sub = tags.distinct().subquery()
        stmt = select(sub.c.v, func.count()).group_by(sub.c.v)
        return {"modality": _ordered(modality), "tag": _ordered(dict(self._rows(stmt)))}


def _ordered(counts: dict[str, int]) -> dict[str, int]:
    """Most frequent first, then alphabetical."""
    return {k: int(n) for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}


def _has_id(modality: str) -> Any:
    """A modality attribute holding `modality`, alone or in a comma-joined list of ids
    (how the normaliser writes "sMRI + fMRI")."""
    v = _AT.value_text
    return or_(
        v == modality,
        v.startswith(modality + ",", autoescape=True),
        v.endswith("," + modality, autoescape=True),
        v.contains("," + modality + ",", autoescape=True),
    )
