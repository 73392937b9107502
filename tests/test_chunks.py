"""Chunks cite the right file and lines, carry entity ids, and make card facts findable."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from kg.ir import (
    Attribute,
    Entity,
    LinkedSource,
    ParsedSource,
    Provenance,
    Relation,
    Section,
    SourceFile,
)
from retrieval.chunks import TARGET_WORDS, chunks_for, is_prose


def _sentences(topic: str, n: int) -> str:
    """n distinct sentences about `topic`, wrapped over several lines like real markdown."""
    body = " ".join(
        f"The {topic} study number {i} measured signal {i * 7} across cohort {i % 5} as {topic}{i}."
        for i in range(n)
    )
    return textwrap.fill(body, 90)


DOC = f"""# Gene embeddings guide

Intro line about **[Caduceus](../models/caduceus.md)** and strands.

## Long section

<!-- reviewed: yes -->
<img src="img/strands.png">

{_sentences("alpha", 12)}

{_sentences("beta", 26)}

{_sentences("gamma", 12)}

## Short section

Only one short paragraph here mentioning Caduceus.
"""


def _sections(rel: str, text: str, doc: str, drop_markup_lines: bool = True) -> list[Section]:
    """Sections as a markdown parser emits them: heading line .. line before the next heading,
    text with link markup and emphasis reduced."""
    lines = text.split("\n")
    heads = [
        (i, len(m.group(1)), m.group(2))
        for i, ln in enumerate(lines)
        if (m := re.match(r"^(#+) (.*)", ln))
    ]
    out, path = [], []
    for j, (i, level, title) in enumerate(heads):
        end = heads[j + 1][0] if j + 1 < len(heads) else len(lines)
        path = [*path[: level - 1], title]
        body = "\n".join(lines[i + 1 : end])
        body = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", body).replace("**", "")
        if drop_markup_lines:  # parsers drop comments and images, shifting later lines up
            body = "\n".join(ln for ln in body.split("\n") if not ln.startswith("<"))
        prov = Provenance(rel, i + 1, end, " > ".join(path))
        out.append(Section(f"{doc}#{j}", doc, list(path), level, body, prov))
    return out


def _doc_source(tmp_path: Path, drop_markup_lines: bool = True) -> tuple[LinkedSource, Path]:
    rel = "docs/guide.md"
    (tmp_path / "docs").mkdir()
    (tmp_path / rel).write_text(DOC)
    parsed = ParsedSource(
        SourceFile(rel, "doc", "x"),
        entities=[Entity("guide", "doc", "Gene embeddings guide", Provenance(rel, 1, 20))],
        sections=_sections(rel, DOC, "guide", drop_markup_lines),
    )
    short_line = DOC.split("\n").index("Only one short paragraph here mentioning Caduceus.") + 1
    mention = Relation("guide", "mentions", "caduceus", Provenance(rel, short_line, short_line))
    return LinkedSource(parsed, relations=[mention]), tmp_path


def _assert_cites_own_lines(chunk, src_lines: list[str]) -> None:
    """The cited lines contain the chunk's start and end, and no line could be dropped."""

    def span(a: int, b: int) -> str:
        return " ".join(" ".join(src_lines[a - 1 : b]).split())

    body = " ".join(chunk.text.split("\n", 1)[1].split())
    head, tail = body[:30], body[-30:]
    lo, hi = chunk.line_start, chunk.line_end
    assert head in span(lo, hi) and tail in span(lo, hi), (lo, hi, body[:60])
    assert head not in span(lo + 1, hi), f"line {lo} need not be cited"
    assert tail not in span(lo, hi - 1), f"line {hi} must be cited"


def test_long_section_splits_into_parts_citing_their_own_lines(tmp_path):
    ls, root = _doc_source(tmp_path)
    src = DOC.split("\n")
    chunks = [c for c in chunks_for([ls], kb_root=root) if c.heading.endswith("Long section")]
    assert len(chunks) >= 2
    for c in chunks:
        assert c.kind == "section" and c.source == "docs/guide.md"
        assert c.text.startswith("Gene embeddings guide > Long section\n")
        assert len(c.text.split()) <= TARGET_WORDS + 60
        _assert_cites_own_lines(c, src)
    # Parts follow each other and together cover every paragraph.
    starts = [c.line_start for c in chunks]
    assert starts == sorted(starts)
    joined = " ".join(" ".join(c.text.split()) for c in chunks)
    for part in ("alpha study number 0 ", "beta study number 25 ", "gamma study number 11 "):
        assert part in joined


def test_line_ranges_hold_without_the_source_file_when_text_keeps_lines(tmp_path):
    ls, _ = _doc_source(tmp_path, drop_markup_lines=False)
    src = DOC.split("\n")
    for c in chunks_for([ls]):
        if c.heading.endswith("section"):
            _assert_cites_own_lines(c, src)


def test_section_chunks_carry_doc_and_mentioned_entities(tmp_path):
    ls, root = _doc_source(tmp_path)
    chunks = chunks_for([ls], kb_root=root)
    short = next(c for c in chunks if c.heading.endswith("Short section"))
    assert short.entity_ids == ("guide", "caduceus")
    long_ = next(c for c in chunks if c.heading.endswith("Long section"))
    assert long_.entity_ids == ("guide",)


def test_chunk_ids_are_stable_and_change_with_text(tmp_path):
    ls, root = _doc_source(tmp_path)
    first = [c.id for c in chunks_for([ls], kb_root=root)]
    assert first == [c.id for c in chunks_for([ls], kb_root=root)]
    assert len(set(first)) == len(first)
    ls.parsed.sections[-1].text += "\nA new sentence."
    changed = [c.id for c in chunks_for([ls], kb_root=root)]
    assert len(set(first) ^ set(changed)) == 2  # only the edited section's chunk differs


CARD = "kb/model_cards/helix.yaml"


def _attr(path, raw, line, end=None, prop=None):
    return Attribute(
        "helix", path, raw, raw, Provenance(CARD, line, end or line, path), property=prop
    )


def _card_sources() -> list[LinkedSource]:
    summary = (
        "Helix is a bidirectional DNA language model that reads both strands and keeps its "
        "embeddings equal under reverse complement."
    )
    attrs = [
        _attr("name", "Helix", 2, prop="name"),
        _attr("modality", "genetics", 3, prop="modality"),
        _attr("summary", summary, 4, 6, prop="summary"),
        _attr("arch.context_length", "131072", 9, prop="context_length"),
        _attr("arch.parameters", "~150M", 10, prop="parameters"),
        _attr("datasets[0]", "genome_ref", 12, prop="dataset"),
        _attr("optimizer.lr", "0.008", 14),
        _attr(
            "how_to_run",
            "python run.py --model=helix --seq_len=131072 --bp_per_token=1 "
            "--batch=4 --out=x/y/z --dtype=bf16 --rc=true --device=cuda:0 --seed=1",
            16,
            18,
        ),
        _attr("key_takeaways[0]", "Average forward and reverse-complement embeddings.", 20),
        _attr("key_takeaways[1]", "Mean pooling is more stable than CLS.", 21),
    ]
    card = ParsedSource(
        SourceFile(CARD, "model_card", "x"),
        entities=[Entity("helix", "model", "Helix", Provenance(CARD, 1, 22), aliases=["HX-1"])],
        attributes=attrs,
    )
    ds_path = "kb/datasets/genome_ref.yaml"
    ds = ParsedSource(
        SourceFile(ds_path, "dataset_card", "y"),
        entities=[
            Entity("genome_ref", "dataset", "Human reference genome", Provenance(ds_path, 1, 9))
        ],
    )
    rel = Relation("helix", "uses_dataset", "genome_ref", Provenance(CARD, 12, 12), "genome_ref")
    return [LinkedSource(card, [rel]), LinkedSource(ds)]


def test_synopsis_states_structured_facts_and_cites_the_entity_range():
    chunks = chunks_for(_card_sources())
    syn = next(c for c in chunks if c.kind == "synopsis" and c.heading == "Helix")
    assert syn.source == CARD and (syn.line_start, syn.line_end) == (1, 22)
    assert syn.text.startswith("Helix is a model (modality: genetics).")
    for fact in (
        "Also called: HX-1",
        "Context length: 131072",
        "Parameters: ~150M",
        "Datasets: Human reference genome",
    ):
        assert fact in syn.text
    assert syn.entity_ids[0] == "helix"
    assert any(c.heading == "Human reference genome" for c in chunks)


def test_prose_fields_become_chunks_with_their_lines():
    chunks = chunks_for(_card_sources())
    prose = {c.heading: c for c in chunks if c.kind == "prose"}
    assert set(prose) == {"Helix — summary", "Helix — key takeaways"}
    s = prose["Helix — summary"]
    assert (s.line_start, s.line_end) == (4, 6) and "reverse complement" in s.text
    kt = prose["Helix — key takeaways"]
    assert (kt.line_start, kt.line_end) == (20, 21) and "Mean pooling" in kt.text


def test_generic_fields_are_findable_with_exact_lines():
    chunks = chunks_for(_card_sources())
    facts = [c for c in chunks if "optimizer.lr: 0.008" in c.text]
    assert len(facts) == 1
    c = facts[0]
    assert c.kind == "synopsis" and c.source == CARD and c.line_start == 14
    assert "how_to_run: python run.py" in c.text and c.line_end == 18


def test_prose_detection_skips_code_urls_and_short_values():
    assert is_prose(_attr("notes", "Short.", 1))
    assert not is_prose(_attr("x.path", "https://example.org/a/very/long/url/with/many/parts", 1))
    assert not is_prose(_attr("arch.type", "Hybrid Mamba + Transformer", 1))
    cmd = "torchrun --nproc=2 train.py task=regression dataset.path=/mnt/a dataset.target=/mnt/b x=1 y=2 z=3"
    assert not is_prose(_attr("how_to_infer.training", cmd, 1))
    long_text = (
        "Use this model in later phases when site heterogeneity limits the simpler "
        "baselines that we start with."
    )
    assert is_prose(_attr("usage.advice", long_text, 1))


def test_reference_corpus_chunks_cite_real_lines_and_are_searchable(corpus, tmp_path):
    """Over the real parsed and linked corpus: every section part cites the lines its text
    comes from, card facts are findable by text, and name variants find their card."""
    from ingest.discover import discover
    from ingest.kb_config import load_kb_config
    from ingest.linker import link
    from ingest.parse import parse_source
    from ingest.vocab_source import vocabulary_source
    from retrieval.embed_cache import EmbedCache
    from retrieval.embedders import HashEmbedder
    from retrieval.index import RetrievalIndex

    sources, _ = discover(corpus, load_kb_config(corpus), 2_000_000)
    linked = link([vocabulary_source(), *[parse_source(corpus, s, 2_000_000) for s in sources]])
    chunks = chunks_for(linked, kb_root=corpus)
    assert {c.kind for c in chunks} == {"section", "prose", "synopsis"}

    word = re.compile(r"[a-z0-9]+")
    for c in chunks:
        src = (corpus / c.source).read_text(encoding="utf-8").split("\n")
        assert 1 <= c.line_start <= c.line_end <= len(src), (c.source, c.line_start, c.line_end)
        if c.kind != "section":
            continue
        lines = [ln for ln in c.text.split("\n")[1:] if word.search(ln.lower())]
        first, last = word.findall(lines[0].lower()), word.findall(lines[-1].lower())
        head = set(word.findall(" ".join(src[c.line_start - 1 : c.line_start + 1]).lower()))
        tail = set(word.findall(" ".join(src[max(0, c.line_end - 2) : c.line_end]).lower()))
        where = f"{c.source}:{c.line_start}-{c.line_end}"
        assert sum(w in head for w in first) >= len(first) / 2, f"{where} starts elsewhere"
        assert sum(w in tail for w in last) >= len(last) / 2, f"{where} ends elsewhere"

    syn = {c.entity_ids[0]: c for c in chunks if c.kind == "synopsis" and " — " not in c.heading}
    assert syn["caduceus"].source == "kb/model_cards/caduceus.yaml"
    assert "Context length: 131072" in syn["caduceus"].text
    assert (
        "Used by:" in syn["genomic_benchmarks"].text
        and "Caduceus" in syn["genomic_benchmarks"].text
    )

    idx = RetrievalIndex.build(chunks, HashEmbedder(), EmbedCache(None), tmp_path / "idx")
    for query, card in [
        ("DNABERT2 tokenizer", "kb/model_cards/dnabert2.yaml"),
        ("Brain JEPA parcellation ROIs", "kb/model_cards/brainjepa.yaml"),
        ("Evo2 training dataset", "kb/datasets/opengenome2.yaml"),
    ]:
        assert card in [h.chunk.source for h in idx.search(query, k=5, mode="bm25")], query
    # "context window" shares no word with "Context length": the linked entity carries it.
    hits = idx.search("DNABERT2 context window", k=3, entity_ids=["dnabert2"])
    assert hits[0].chunk.source == "kb/model_cards/dnabert2.yaml"
    assert "Context length: 512" in hits[0].chunk.text
