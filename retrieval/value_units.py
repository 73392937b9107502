"""What a value carries when it answers a question word without repeating it: a unit
("which frequency band" ~ "0.01-0.1 Hz"), a sign ("minimum" ~ "≥ 30"), a ratio ("what mix"
~ "15:1:4"). Field matching (`facts`) and answer confidence (`confidence`) read the same
table. `WRITTEN_FOR`: the words a text writes for a question word, read by passage coverage."""

from __future__ import annotations

import re

_HZ = r"\d\s*(k|m)?hz\b"
_BYTES = r"\d\s*(gb|gib|mb|tb)\b"
_SECONDS = r"\d\s*(s|sec|ms|min|hours?|h)\b"
# Question word -> what a value answering it carries.
_ENV_NAME = r"(?-i:\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b)"  # an environment variable's name
UNIT_PATTERNS = {
    word: re.compile(rx, re.IGNORECASE)
    for word, rx in {
        "frequency": _HZ,
        "band": _HZ,
        "bandpass": _HZ,
        "memory": _BYTES,
        "vram": _BYTES,
        "hardware": rf"{_BYTES}|\b(gpus?|cpus?|tpus?)\b",
        "duration": _SECONDS,
        "time": _SECONDS,
        "displacement": r"\d\s*mm\b",
        # "which env variable": a name written like one, in capitals (NCCL_P2P_DISABLE=1)
        "variable": _ENV_NAME,
        "env": _ENV_NAME,
        "resolution": r"\d\s*mm\b",
        # "what dimensionality" ~ "a 768-d slide embedding", "256-dim" (not "2D ALiBi").
        **{
            w: r"\d-d\b|\d\s*-?\s*(dim|dims|dimensional)\b" for w in ("dimensionality", "dimension")
        },
        # Bounds written as a sign or phrase ("minimum" ~ "≥ 30 subjects").
        "minimum": r"≥|>=|\bat least\b|\bmin\b",
        "maximum": r"≤|<=|\bat most\b|\bup to\b|\bmax\b",
        # A mix is written as a ratio ("15:1:4 (biomedical : clinical : general)"), a share
        # as a percentage ("55.8% of its FLOPs").
        **{w: r"\d\s*:\s*\d|%" for w in ("mix", "ratio", "composition", "blend")},
        **{w: r"%" for w in ("share", "fraction", "proportion", "percentage", "percent")},
        # "which hospital" ~ "Beth Israel Deaconess Medical Center"
        "hospital": r"\b(medical (center|centre)|hospitals?|clinics?|infirmary)\b",
    }.items()
}

# A question word and the words a text writes for it (stems): "must be a multiple of 6" ~
# "divisible by 6"; an fMRI "repetition time" is written "TR", a DNA "reverse complement" "RC".
WRITTEN_FOR = {"multiple": {"divisible"}, "divisible": {"multiple"}, "repetition": {"tr"}}
WRITTEN_FOR |= {"reverse": {"rc"}, "complement": {"rc"}}
# What subjects "lack" a text calls "missing" ("subjects who lack some modalities").
WRITTEN_FOR |= {"lack": {"missing", "absent"}, "missing": {"lack", "absent"}}

# A question word whose answer has one shape, whatever field holds it: a DOI is "10.xxxx/…";
# a link of another shape is no DOI.
REQUIRED_SHAPES = {"doi": re.compile(r"\b10\.\d{4,9}/")}
