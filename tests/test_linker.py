"""Reference resolution across the whole KB: ids, paths, dotted refs, papers, mentions."""

from __future__ import annotations

import time

import pytest
from parse_helpers import CORPUS, entities, findings, link_kb, parse_kb, relations, write

from ingest.linker import link
from ingest.vocab_source import vocabulary_source
from kg.ir import Entity, ParsedSource, Provenance, Reference, SourceFile

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="reference corpus not available")


@pytest.fixture(scope="module")
def corpus():
    return link_kb(CORPUS)


def test_corpus_parses_and_links_fast():
    t0 = time.perf_counter()
    link_kb(CORPUS)
    assert time.perf_counter() - t0 < 1.5  # well under a second on an idle machine


def test_bare_ids_paths_and_anchors(corpus):
    rels = relations(corpus)
    assert ("caduceus", "uses_dataset", "hg38_reference") in rels
    assert (
        "ukb_genetics_brain_alignment",
        "uses_dataset",
        "ukb_covariates",
    ) in rels  # "(coming soon)"
    assert ("01_cca_gene_smri", "uses_dataset", "ukb_wes") in rels  # kb/datasets/ukb_wes.yaml
    assert ("01_cca_gene_smri", "uses_model", "caduceus") in rels
    assert (
        "docs/models/brain/brainlm",
        "links_to",
        "brainlm",
    ) in rels  # `kb/model_cards/brainlm.yaml`
    assert (
        "docs/models/brain/brainlm",
        "refers_to",
        "brainlm",
    ) in rels  # <!-- model-id: brainlm -->
    assert (
        "ukb_smri_freesurfer",
        "refers_to",
        "ukb_manifest_stub",
    ) in rels  # bare file name in prose
    anchors = [f for f in findings(corpus, "unresolved-anchor")]
    # The duplicate card is kept under its file name, so its broken anchor is reported too.
    assert [(f.source, f.line) for f in anchors] == [
        ("kb/datasets/fms_medical_catalog.yaml", 10),
        ("kb/datasets/fms_medical_cursor.yaml", 10),
    ]


def test_dotted_registry_refs_and_nested_entities(corpus):
    rels = relations(corpus)
    assert (
        "brainharmony",
        "refers_to",
        "hcp_like_minimal",
    ) in rels  # rsfmri_preprocessing_pipelines.hcp_like_minimal
    assert ("brainharmony", "uses_method", "murd_t1_t2") in rels  # harmonization_methods.murd_t1_t2
    assert ("02_harmonization_ablation_smri", "uses_method", "combat_smri") in rels
    assert ("01_cca_gene_smri", "uses_strategy", "smri_free_surfer_pca512_v1") in rels
    assert ("swift", "uses_strategy", "rsfmri_swift_segments_v1") in rels
    assert ("smri_ukb_pca32_v1", "uses_dataset", "ukb_smri_freesurfer") in rels
    assert ("smri_free_surfer_pca512_v1", "part_of", "embedding_strategies") in rels
    assert ("brain_llm_alignment_dev_v1", "part_of", "alignment_strategies") in rels
    kinds = entities(corpus)
    assert sum(k == "strategy" for k in kinds.values()) == 23
    assert (kinds["combat_smri"], kinds["hcp_like_minimal"]) == ("method", "pipeline")


def test_papers_describe_their_models(corpus):
    rels = relations(corpus)
    assert (
        "caduceus_2024",
        "describes",
        "caduceus",
    ) in rels  # related_to: kb/model_cards/caduceus.yaml
    assert ("caduceus", "described_by", "caduceus_2024") in rels
    assert ("brainjepa_2024", "describes", "brainjepa") in rels  # from the file name only
    assert ("me_llama_2024", "describes", "me_llama") in rels
    assert not any(s == "yoon_biokdd2025" for s, _, _ in relations(corpus, "describes"))
    paper = corpus["kb/paper_cards/caduceus_2024.yaml"]
    inverse = next(r for r in paper.relations if r.predicate == "described_by")
    assert (inverse.prov.source, inverse.prov.line_start) == (
        "kb/paper_cards/caduceus_2024.yaml",
        42,
    )


def test_modalities_link_to_the_vocabulary(corpus):
    rels = relations(corpus, "has_modality")
    assert {
        ("caduceus", "has_modality", "genetics"),
        ("brainharmony", "has_modality", "smri"),
        ("brainharmony", "has_modality", "fmri"),
        ("rsfmri_swift_segments_v1", "has_modality", "fmri"),
    } <= rels
    assert entities(corpus)["fmri"] == "modality"


def test_unresolved_references_say_where_and_suggest(corpus):
    msgs = {str(f) for f in findings(corpus, "unresolved-ref")}
    assert (
        "kb/model_cards/swift.yaml:71: 'embedding_recipe.genetics_alignment_notes' refers to "
        "'embedding_strategies.rs_fmri_swift_segments_v1', which no card defines — "
        "did you mean 'embedding_strategies.rsfmri_swift_segments_v1'?"
    ) in msgs
    assert (
        "kb/model_cards/hyenadna.yaml:33: 'datasets[0]' refers to 'nucleotide_transformer_benchmark', "
        "which no card defines — did you mean 'nucleotide_transformer_tasks'?"
    ) in msgs
    assert all(f.severity == "warning" for f in findings(corpus, "unresolved-ref"))


def test_duplicate_ids(corpus):
    dup = {(f.source, f.severity) for f in findings(corpus, "duplicate-id")}
    assert dup == {
        ("kb/datasets/fms_medical_cursor.yaml", "error"),
        ("kb/model_cards/fms_medical_catalog.yaml", "warning"),
    }
    # Nothing is lost: the same-kind duplicate is kept under its file name.
    assert [e.id for e in corpus["kb/datasets/fms_medical_cursor.yaml"].parsed.entities] == [
        "fms_medical_cursor"
    ]
    cursor_attrs = corpus["kb/datasets/fms_medical_cursor.yaml"].parsed.attributes
    assert cursor_attrs and {a.entity for a in cursor_attrs} == {"fms_medical_cursor"}
    kinds = entities(corpus)
    assert (kinds["fms_medical_catalog"], kinds["fms_medical_catalog.model"]) == (
        "dataset",
        "model",
    )
    model_attrs = corpus["kb/model_cards/fms_medical_catalog.yaml"].parsed.attributes
    assert {a.entity for a in model_attrs} == {"fms_medical_catalog.model"}


def test_doc_facts_become_attributes_of_the_entity(corpus):
    attrs = corpus["docs/index.md"].parsed.attributes
    evo = [a for a in attrs if a.entity == "evo2" and a.property == "context_length"]
    assert [(a.value, a.prov.source, a.prov.line_start) for a in evo] == [
        (1_000_000, "docs/index.md", 207)
    ]
    assert not any(
        a.entity in ("UKB Data Map", "Caduceus") for a in attrs
    )  # unresolved/raw names never leak


def test_mentions_match_names_and_spellings(tmp_path):
    write(
        tmp_path,
        {
            "kb/model_cards/brainjepa.yaml": "id: brainjepa\nname: Brain-JEPA\n",
            "kb/model_cards/mot.yaml": "id: mot\nname: MoT\n",
            "kb/model_cards/brain.yaml": "id: brainmodel\nname: Brain\n",
            "kb/datasets/hg38_reference.yaml": "id: hg38_reference\nname: HG38 corpus\n",
            "docs/a.md": """
            # A
            ## S1
            Brain-JEPA beats the baseline.
            ## S2
            So does BrainJEPA, once.
            ## S3
            and brainjepa
            ## S4
            even the brain jepa spelling
            ## B
            MoT differs from mot and most; see the HG38 corpus.
            """,
        },
    )
    linked = link_kb(tmp_path)
    doc = linked["docs/a.md"]
    by_section = {}
    for r in doc.relations:
        if r.predicate == "mentions":
            by_section.setdefault(r.prov.path, []).append((r.object, r.ref))
    spelled = [by_section[f"A > S{i}"] for i in range(1, 5)]
    assert spelled == [
        [("brainjepa", "Brain-JEPA")],
        [("brainjepa", "BrainJEPA")],
        [("brainjepa", "brainjepa")],
        [("brainjepa", "brain jepa")],
    ]
    assert sorted(by_section["A > B"]) == [
        ("hg38_reference", "HG38 corpus"),
        ("mot", "MoT"),
    ]  # "mot": too short


def test_hg38_ref_gets_a_did_you_mean(tmp_path):
    write(
        tmp_path,
        {
            "kb/datasets/hg38_reference.yaml": "id: hg38_reference\n",
            "kb/model_cards/m.yaml": "id: m\ndatasets:\n  - hg38_reference\n  - genomic_benchmarks\n  - hg38_ref\n",
        },
    )
    (f,) = [f for f in findings(link_kb(tmp_path), "unresolved-ref") if "hg38" in f.message]
    assert str(f) == (
        "kb/model_cards/m.yaml:5: 'datasets[2]' refers to 'hg38_ref', which no card defines — "
        "did you mean 'hg38_reference'?"
    )
    assert ("m", "uses_dataset", "hg38_reference") in relations(link_kb(tmp_path))


def test_references_outside_the_root_are_refused(tmp_path):
    write(
        tmp_path,
        {
            "kb/paper_cards/p_2024.yaml": "title: P\nrelated_to:\n  - ../../../etc/passwd\n  - /etc/hosts.md\nnotes: see ../../../etc/shadow\n",
            "docs/d.md": "# D\n[x](../../../../etc/passwd.md) and [y](/abs/path.md)\n",
        },
    )
    linked = link_kb(tmp_path)
    outside = sorted((f.source, f.line) for f in findings(linked, "outside-root"))
    assert outside == [
        ("docs/d.md", 2),
        ("docs/d.md", 2),
        ("kb/paper_cards/p_2024.yaml", 3),
        ("kb/paper_cards/p_2024.yaml", 4),
        ("kb/paper_cards/p_2024.yaml", 5),
    ]
    assert not any("etc" in r.ref for ls in linked.values() for r in ls.relations)


def test_failed_sources_pass_through(tmp_path):
    write(
        tmp_path, {"kb/model_cards/bad.yaml": "id: [\n", "kb/model_cards/good.yaml": "id: good\n"}
    )
    parsed = parse_kb(tmp_path)
    linked = link(parsed)
    assert [ls.path for ls in linked] == [p.source.path for p in parsed]
    bad = linked[0]
    assert not bad.parsed.ok and bad.findings and bad.relations == []


def test_linking_is_linear_in_the_number_of_cards():
    def kb(n):
        out = [vocabulary_source()]
        for i in range(n):
            path = f"kb/model_cards/m{i}.yaml"
            prov = Provenance(path, 1, 1, "summary")
            src = ParsedSource(SourceFile(path, "model_card", str(i)))
            src.entities.append(Entity(f"m{i}", "model", f"Model Number {i}", prov, [f"model{i}"]))
            src.references += [
                Reference(f"m{i}", "related_to", f"m{(i * 7) % n}", prov),
                Reference(
                    f"m{i}",
                    "mentions",
                    f"Compared with Model Number {(i + 1) % n} and model{(i + 2) % n}.",
                    prov,
                    mention=True,
                ),
            ]
            out.append(src)
        return out

    timings = {}
    for n in (1000, 4000):
        sources = kb(n)
        best = float("inf")
        for _ in range(2):  # best of two: the machine is shared
            t0 = time.perf_counter()
            linked = link(sources)
            best = min(best, time.perf_counter() - t0)
        timings[n] = best
        self_refs = sum(1 for i in range(n) if (i * 7) % n == i)  # relations to oneself are skipped
        assert sum(len(ls.relations) for ls in linked) == 3 * n - self_refs
    assert timings[4000] < 10 * timings[1000] + 0.5  # 4x the cards; quadratic would be 16x


def test_duplicate_registry_cards_keep_their_entries_under_the_new_id(tmp_path):
    card = "id: strategies_card\nstrategies:\n  alpha:\n    modality: smri\n"
    write(
        tmp_path,
        {
            "kb/integration_cards/a.yaml": card,
            "kb/integration_cards/b.yaml": card,
            "kb/datasets/alpha.yaml": "id: alpha\n",  # a card id wins over a registry key
            "docs/x.md": "# X\n",
            "docs/x.markdown": "# X again\n",
        },
    )
    linked = link_kb(tmp_path)
    kinds = entities(linked)
    assert kinds["alpha"] == "dataset" and kinds["strategies_card.alpha"] == "strategy"
    # The duplicate registry card is kept under its file name, its entries under it.
    assert [(e.id, e.parent) for e in linked["kb/integration_cards/b.yaml"].parsed.entities] == [
        ("b", None),
        ("b.alpha", "b"),
    ]
    # "docs/x.markdown" sorts before "docs/x.md", so it is the first definition
    assert [s.doc for s in linked["docs/x.md"].parsed.sections] == ["docs/x.md"]
    assert [s.doc for s in linked["docs/x.markdown"].parsed.sections] == ["docs/x"]
    assert {f.source for f in findings(linked, "duplicate-id")} == {
        "kb/integration_cards/b.yaml",
        "docs/x.md",
    }


def test_paths_with_anchors_resolve_to_the_doc(tmp_path):
    write(
        tmp_path,
        {
            "docs/guide.md": "# Guide\n## Usage\nText.\n",
            "kb/model_cards/m.yaml": "id: m\nnotes: see docs/guide.md#usage and docs/guide.md#gone\n",
        },
    )
    linked = link_kb(tmp_path)
    card = linked["kb/model_cards/m.yaml"]
    # one relation per line and target; the missing section is reported
    assert [(r.predicate, r.object, r.ref) for r in card.relations] == [
        ("documented_in", "docs/guide", "docs/guide.md#usage")
    ]
    assert [(f.code, f.line) for f in card.findings] == [("unresolved-anchor", 2)]


def test_a_cited_paper_links_to_its_card_by_first_author_and_year(tmp_path):
    """ "Marsh et al., NeuroImage 2021" in a method's `reference` is the card whose first
    author is Marsh and whose year is 2021; a citation of a paper with no card is no defect."""
    write(
        tmp_path,
        {
            "kb/paper_cards/unlearning_2021.yaml": """
                title: Unlearning scanner bias
                authors: [Ada B. Marsh, Ben Quill]
                year: 2021
            """,
            "kb/paper_cards/disentangle_2024.yaml": """
                title: Disentangling site style
                authors: ["Wren, Cora", "Yu, Lin"]
                venue: Communications Engineering 2024
            """,
            "kb/integration_cards/harmonization_methods.yaml": """
                id: harmonization_methods
                methods:
                  unlearning_head:
                    reference: "Marsh et al., NeuroImage 2021"
                  style_swap:
                    reference: "Wren & Yu, Communications Engineering 2024 (SWAP)"
                  empirical_bayes:
                    reference: "Fortin et al., NeuroImage 2018"
            """,
        },
    )
    linked = link_kb(tmp_path)
    cited = relations(linked, "refers_to")
    assert ("unlearning_head", "refers_to", "unlearning_2021") in cited
    assert ("style_swap", "refers_to", "disentangle_2024") in cited
    assert not any(s == "empirical_bayes" for s, _, _ in cited)
    assert findings(linked, "unresolved-ref") == []
    paper = linked["kb/paper_cards/unlearning_2021.yaml"].parsed.entities[0]
    assert "Marsh 2021" in paper.aliases


@pytest.mark.parametrize(
    "authors, surname",
    [
        (["Natalie K. Dinsdale", "X"], "Dinsdale"),
        (["Dong, Zijian", "et al."], "Dong"),
        (["Yoon et al."], "Yoon"),
        (["Dinsdale NK"], "Dinsdale"),
        (["Arc Institute Team"], None),
        ([], None),
    ],
)
def test_first_author_surnames(authors, surname):
    from ingest.citations import first_surname

    assert first_surname(authors) == surname
