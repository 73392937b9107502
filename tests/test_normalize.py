"""Value normalisers, table-driven, with the tricky values the reference corpus really holds."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.normalize import (
    count_unit,
    is_approximate,
    is_uri,
    modalities_for,
    parse_bool,
    parse_count,
    parse_date,
    parse_venue,
    parse_year,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("~150M (d_model=256, n_layer=16)", 150_000_000),  # caduceus arch.parameters
        ("1M", 1_000_000),
        ("1_000_000", 1_000_000),
        (1_000_000, 1_000_000),
        ("131k", 131_000),
        ("131K", 131_000),
        ("131,072", 131_072),
        (131072, 131072),
        ("7B", 7_000_000_000),
        ("40B", 40_000_000_000),
        ("1.2B", 1_200_000_000),
        ("up to 1M tokens", 1_000_000),
        ("7B active / 14B total", 7_000_000_000),  # bagel: the first number wins
        ("111M / 650M", 111_000_000),  # brainlm
        ("≈40–60M (d_model=512, 3 decoder layers, 8 heads)", 40_000_000),  # m3fm range
        ("1.2B–3B per checkpoint", 1_200_000_000),  # generator range
        ("3B / 4B / 9B checkpoints (OpenFlamingo variants)", 3_000_000_000),
        ("450 ROIs × T timepoints (Schaefer-400 + Tian-50)", 450),  # brainjepa
        ("16_384 patches (depends on coordinates)", 16_384),  # titan
        ("1,048,576 tokens (~1 Mb of genomic sequence)", 1_048_576),  # evo2 doc
        (
            "~150\u202fM (e.g., 256\u202f×\u202f16 layers in HF releases)",
            150_000_000,
        ),  # narrow nbsp
        ("131\u202fkbp pretraining windows", 131_000),  # kilo-base-pairs
        ("scales to 7B+", 7_000_000_000),
        ("200+ (rolling)", 200),
        ("~500_000", 500_000),
        ("TBD", None),
        ("unknown", None),
        ("N/A", None),
        ("", None),
        ("TBD (e.g., 7B–155B)", None),  # a placeholder with an example is still unknown
        ("variable (TR-adaptive tokens)", None),
        ("≈768-d slide encoder (size undisclosed)", None),  # a dimension, not a count
        ("6-mer LM", None),  # k-mer size, not a count
        ("DNA", None),
        ("3e-5", None),  # a learning rate is not a count
        (True, None),
        (None, None),
    ],
)
def test_parse_count(raw, expected):
    assert parse_count(raw) == expected


@pytest.mark.parametrize(
    ("raw", "unit"),
    [("up to 1M tokens", "tokens"), ("16_384 patches", "patches"), ("131 kbp", "bp"), ("7B", None)],
)
def test_count_unit(raw, unit):
    assert count_unit(raw) == unit


@pytest.mark.parametrize(
    ("raw", "approx"),
    [
        ("~150M", True),
        ("131k", True),
        ("up to 1M tokens", True),
        ("131072", False),
        ("1,048,576 tokens (~1 Mb of genomic sequence)", False),  # the "~" is about Mb
        ("16_384 patches", False),
    ],
)
def test_is_approximate(raw, approx):
    assert is_approximate(raw) is approx


@pytest.mark.parametrize(
    ("raw", "year", "venue"),
    [
        ("ICML 2024", 2024, "ICML"),
        ("arXiv 2024", 2024, "arXiv"),
        ("NeurIPS 2023", 2023, "NeurIPS"),
        ("BIOKDD'25 Workshop", 2025, "BIOKDD Workshop"),
        ("arXiv preprint, March 2024", 2024, "arXiv preprint"),
        ("Nature Medicine", None, "Nature Medicine"),
        ("Conference proceedings (SpringerLink)", None, "Conference proceedings (SpringerLink)"),
        (2024, 2024, None),
        ("TBD", None, None),
    ],
)
def test_year_and_venue(raw, year, venue):
    assert parse_year(raw) == year
    assert parse_venue(raw) == venue


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        (dt.date(2025, 11, 15), "2025-11-15"),
        ("2025-11-17", "2025-11-17"),  # quoted in 01_cca_gene_smri.yaml
        (dt.datetime(2025, 1, 2, 3, 4), "2025-01-02"),
        ("YYYY-MM-DD", None),
        ("2025-13-45", None),
        (20251115, None),
    ],
)
def test_parse_date(raw, iso):
    assert parse_date(raw) == iso


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (True, True),
        (False, False),
        ("yes", True),
        ("false", False),
        ("off", False),
        ("maybe", None),
    ],
)
def test_parse_bool(raw, value):
    assert parse_bool(raw) is value


@pytest.mark.parametrize(
    ("raw", "uri"),
    [
        ("https://github.com/kuleshov-group/caduceus", True),
        ("s3://ukb-fmri-derived", True),
        ("physionet://me-llama/13B", True),
        ("external_repos/brainjepa", False),
        ("TBD (see HyenaDNA / Hyena project links in the original paper)", False),
    ],
)
def test_is_uri(raw, uri):
    assert is_uri(raw) is uri


@pytest.mark.parametrize(
    ("raw", "ids"),
    [
        ("brain", ["brain"]),
        ("fmri", ["fmri"]),
        ("dna", ["genetics"]),
        ("rs-fmri", ["fmri"]),
        ("sMRI + fMRI", ["smri", "fmri"]),
        ("smri+fmri", ["smri", "fmri"]),  # brainharmony domain
        ("sMRI/fMRI", ["smri", "fmri"]),
        ("chest_xray+text", ["medical_imaging", "text"]),  # m3fm domain
        ("pathology_slide+text", ["pathology", "text"]),  # titan domain
        ("vision_language", ["multimodal"]),  # flamingo domain
        ("vision-language-video", ["multimodal"]),  # bagel domain: longest run of words
        ("multimodal_tabular", ["multimodal", "behaviour"]),
        ("genetics_omics_optional", ["genetics"]),  # cha_dev modalities
        ("language", ["text"]),
        ("architecture", []),  # mot domain: not a modality
        ("", []),
        (None, []),
        (5, []),
    ],
)
def test_modalities_for(raw, ids):
    assert modalities_for(raw) == ids


def test_a_fraction_under_counts_stays_a_decimal():
    from ingest.properties import normalise

    # `counts.repetition_time_seconds: 0.72` used to be rounded to the count 1.
    assert normalise(None, 0.72, "0.72", counted=True) == (0.72, "decimal", None)
    assert normalise(None, 1200, "1200", counted=True)[:2] == (1200, "integer")
