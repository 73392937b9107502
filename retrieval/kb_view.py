"""What the assistant keeps in memory for one generation: names, relations, values, quotes.

Built once per generation (the `KnowledgeBase` caches it and rebuilds it when the current
generation changes), so answering a question never scans the store: entity attributes are
read by id (indexed) and remembered, relations are indexed by subject and object here.
"""

from __future__ import annotations

from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable
from pathlib import Path

from kg.ir import Attribute, Conflict, Relation
from kg.sql.models import normalise_key
from retrieval.facts import text_words
from retrieval.lexical import tokenize
from retrieval.linking import Linker
from retrieval.name_forms import spelled_initials

# Properties whose stored values questions name as filters ("MIT", "NeurIPS 2023", "public").
VALUE_PROPS = (
    "license",
    "license_weights",
    "access",
    "tag",
    "venue",
    "year",
    "last_updated",
    "status",
    "tokenizer",  # "which DNA models use character-level tokenization?"
)
# Relations that say what an entity is made of or built from (not prose mentions or links).
STRUCTURAL = (
    "uses_dataset",
    "described_by",
    "describes",
    "uses_model",
    "uses_strategy",
    "uses_method",
    "uses_integration",
    "intended_for",
    "part_of",
    "related_to",
    "documented_in",
    "refers_to",
)
# A paper and the card it stands beside: a method citing it, a model it describes.
PARTNERS = ("refers_to", "describes", "described_by")
_ATTR_CACHE = 2048
_QUOTE_CHARS = 240
NEAR_LINES = 12  # a name may stand this many lines around the sentence that needs it
MAIN_SHARE = 0.6  # of the entities stating a property, the share its main kind must hold


class KBView:
    """Read-side caches of one generation of the stores.

    Args:
        sql: the SQL store (reads only).
        index: the retrieval index of the generation, or None when ingested without one.
        kb_root: the KB folder, for quoting cited lines.
        generation: the generation these caches describe.
    """

    def __init__(self, sql, index, kb_root: Path, generation: str | None):
        self.sql = sql
        self.index = index
        self.kb_root = Path(kb_root)
        self.generation = generation
        rows = sql.all_entities()
        self.entities = {r.id: r for r in rows}
        self.out: dict[str, list[Relation]] = defaultdict(list)
        self.inc: dict[str, list[Relation]] = defaultdict(list)
        for r in sql.all_relations():
            self.out[r.subject].append(r)
            self.inc[r.object].append(r)
        self.by_kind: dict[str, list[str]] = defaultdict(list)
        for r in rows:
            self.by_kind[r.kind].append(r.id)
        ids = [r.id for r in rows if r.kind not in ("doc", "modality")]
        values: dict[str, set[str]] = defaultdict(set)
        # (property, normalised value) -> the kinds whose entities hold it ("planned" is a
        # status of integration patterns, not of datasets).
        self.value_kinds: dict[tuple[str, str], set[str]] = defaultdict(set)
        for eid, attrs in sql.attributes_for(ids, VALUE_PROPS).items():
            for a in attrs:
                for v in (a.raw, a.value) if a.value is not None else (a.raw,):
                    values[a.property].add(str(v))
                    self.value_kinds[(a.property, normalise_key(str(v)))].add(self.kind(eid))
        # property -> the kinds whose entities state it ("venue": papers only)
        self.property_kinds: dict[str, set[str]] = defaultdict(set)
        for (prop, _), kinds in self.value_kinds.items():
            self.property_kinds[prop] |= kinds
        self.conflicts: dict[tuple[str, str], Conflict] = {
            (c.entity, c.property): c for c in sql.conflicts()
        }
        vocab = getattr(getattr(index, "bm25", None), "retriever", None)
        vocab = getattr(vocab, "vocab_dict", None) if vocab is not None else None
        known = None
        if vocab:
            # "UKB" is known where the KB writes "UK Biobank" out.
            initials = {i for c in index.chunks for i in spelled_initials(c.text)}

            def known(word: str, exact: bool = False) -> bool:
                # exact: the whole word, not its parts ("dnabert3" is not "dnabert" + "3")
                if exact:
                    return word.lower() in vocab
                return word.lower() in initials or any(t in vocab for t in tokenize(word))

        self.linker = Linker(rows, values, known)
        self._idf: dict[str, float] | None = None
        self._attrs: OrderedDict[str, list[Attribute]] = OrderedDict()
        self._lines: OrderedDict[str, list[str]] = OrderedDict()
        self._card_words: dict[str, dict[str, frozenset[str]]] = {}
        self._stating: dict[str, Counter[str]] = {}  # property -> kinds stating it, counted

    # -- entities and facts -----------------------------------------------------------------
    def name(self, eid: str) -> str:
        """Display name of an entity (its id when unknown)."""
        row = self.entities.get(eid)
        return row.name if row else eid

    def kind(self, eid: str) -> str:
        """Kind of an entity ("" when unknown)."""
        row = self.entities.get(eid)
        return row.kind if row else ""

    def attributes(self, eid: str) -> list[Attribute]:
        """Every attribute of one entity (cards and doc claims), remembered."""
        return self.attributes_for([eid])[eid]

    def attributes_for(self, ids: Iterable[str]) -> dict[str, list[Attribute]]:
        """Attributes of several entities, reading only those not remembered yet."""
        ids = list(dict.fromkeys(ids))
        missing = [i for i in ids if i not in self._attrs]
        if missing:
            for eid, attrs in self.sql.attributes_for(missing).items():
                self._attrs[eid] = attrs
            while len(self._attrs) > _ATTR_CACHE:
                self._attrs.popitem(last=False)
        return {i: self._attrs.get(i, []) for i in ids}

    def related(
        self, eid: str, kinds: Iterable[str] | None = None, predicates: Iterable[str] = STRUCTURAL
    ) -> list[tuple[str, Relation]]:
        """Entities related to `eid` in either direction: (other id, relation), file order."""
        kinds = set(kinds) if kinds else None
        preds = set(predicates)
        out: list[tuple[str, Relation]] = []
        seen: set[tuple[str, str]] = set()
        edges = [(r.object, r) for r in self.out.get(eid, [])]
        edges += [(r.subject, r) for r in self.inc.get(eid, [])]
        for other, r in edges:
            if r.predicate not in preds or (kinds is not None and self.kind(other) not in kinds):
                continue
            if (other, r.predicate) not in seen and other != eid:
                seen.add((other, r.predicate))
                out.append((other, r))
        return out

    def modality_ids(self, eid: str) -> set[str]:
        """Modalities of an entity: has_modality relations and modality attributes."""
        mods = {r.object for r in self.out.get(eid, []) if r.predicate == "has_modality"}
        for a in self.attributes(eid):
            if a.property == "modality" and a.value and a.prov.source == self.source(eid):
                mods.add(str(a.value))
        if not mods:
            # None stated: those its name says ("Reference rs-fMRI preprocessing pipelines"),
            # else, for a registry member, its registry's.
            from retrieval.question import tokenize_question
            from retrieval.terms import link_modalities

            toks = tokenize_question(self.name(eid))
            mods = {m for m, _ in link_modalities(toks, [False] * len(toks))}
            for r in self.out.get(eid, []) if not mods else ():
                if r.predicate == "part_of" and r.object != eid:
                    mods |= self.modality_ids(r.object)
        return mods

    def kinds_stating(self, prop: str) -> set[str]:
        """The kinds of the entities that state a property (read once per property)."""
        return set(self._stating_counts(prop))

    def main_kind(self, prop: str) -> str | None:
        """The kind that states a property for most of the entities stating it (a venue is a
        paper's, though one model card writes one too), or None when no kind clearly does."""
        counts = self._stating_counts(prop)
        kind, n = max(counts.items(), key=lambda kn: kn[1], default=(None, 0))
        return kind if n and n >= MAIN_SHARE * sum(counts.values()) else None

    def _stating_counts(self, prop: str) -> Counter[str]:
        if prop not in self._stating:
            ids = [eid for eid, row in self.entities.items() if row.kind != "doc"]
            found = self.sql.attributes_for(ids, (prop,))
            self._stating[prop] = Counter(self.kind(eid) for eid, attrs in found.items() if attrs)
        return self._stating[prop]

    def card_words(self, kind: str) -> dict[str, frozenset[str]]:
        """For every entity of `kind`: the stemmed words of its name, aliases and its own
        card's values (authors, links, prose fields included), computed once per kind."""
        if kind not in self._card_words:
            from retrieval.facts import text_words

            ids = self.by_kind.get(kind, [])
            # A registry entry is also what its registry card says of all its entries ("an
            # option in the harmonization catalog"): the card's name and summary.
            parents = {
                eid: [r.object for r in self.out.get(eid, []) if r.predicate == "part_of"]
                for eid in ids
            }
            registries = {p for ps in parents.values() for p in ps}
            attrs = self.sql.attributes_for([*ids, *registries]) if ids else {}
            out = {}
            for eid in ids:
                row = self.entities[eid]
                texts = [row.name, *row.aliases]
                texts += [str(a.raw) for a in attrs.get(eid, []) if a.prov.source == row.source]
                for p in parents[eid]:
                    texts += [self.name(p)]
                    texts += [str(a.raw) for a in attrs.get(p, []) if a.path == "summary"]
                out[eid] = frozenset(text_words(" ".join(texts)))
            self._card_words[kind] = out
        return self._card_words[kind]

    def source(self, eid: str) -> str:
        """The file defining an entity ("" when unknown)."""
        row = self.entities.get(eid)
        return row.source if row else ""

    def idf(self) -> dict[str, float]:
        """Word IDF over the retrieval chunks of this generation (computed on first use)."""
        if self._idf is None:
            from retrieval.text_answers import idf_table

            self._idf = idf_table(self.index.chunks if self.index is not None else [])
        return self._idf

    # -- quoting ------------------------------------------------------------------------------
    def words_near(self, source: str, start: int, end: int, margin: int = NEAR_LINES) -> set[str]:
        """The words of a KB file's lines around [start, end], with the initials of its
        capitalised names ("ukb" where it writes "UK Biobank"): where a name the question
        holds may stand when the sentence itself leaves it out."""
        lines = self.quote_lines(source)[max(start - margin, 1) - 1 : end + margin]
        text = " ".join(lines)
        return text_words(text) | spelled_initials(text)

    def quote_lines(self, source: str) -> list[str]:
        """The lines of a KB file (cached; empty when it cannot be read)."""
        self.quote(source, 1, 1)
        return self._lines.get(source, [])

    def quote(self, source: str, start: int, end: int) -> str:
        """The text of lines [start, end] of a KB file, one line, cut to a readable length."""
        lines = self._lines.get(source)
        if lines is None:
            try:
                text = (self.kb_root / source).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            lines = text.split("\n")
            self._lines[source] = lines
            while len(self._lines) > 256:
                self._lines.popitem(last=False)
        picked = " ".join(ln.strip() for ln in lines[max(start, 1) - 1 : max(end, start)])
        picked = " ".join(picked.split())
        return picked if len(picked) <= _QUOTE_CHARS else picked[: _QUOTE_CHARS - 1] + "…"
