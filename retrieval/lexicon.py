"""The words questions use for kinds, properties and question forms.

Everything here is about the *language* of questions (and comes from kg.vocab where the
vocabulary already says it), never about particular entities: entity names and values are
read from the store by `retrieval.linking`.
"""

from __future__ import annotations

import re

from kg.vocab import MODALITIES, PROPERTIES, PROPERTY_SYNONYMS

# Extra question phrasings of canonical properties, beyond kg.vocab.PROPERTY_SYNONYMS.
# A phrase in WEAK_CUES names a property only when no stronger cue names another one.
PROPERTY_CUES: dict[str, str] = {
    "licence": "license",
    "licensed": "license",
    "licenses": "license",
    "licences": "license",
    "weights license": "license_weights",
    "weights licence": "license_weights",
    "weight license": "license_weights",
    "parameter": "parameters",
    "trainable weights": "parameters",  # "how many trainable weights": its parameter count
    "trainable parameters": "parameters",
    "parameter counts": "parameters",
    "how big": "parameters",  # a dataset's size is its counts (KEY_SYNONYMS)
    "how large": "parameters",
    "bigger": "parameters",
    "larger": "parameters",
    "smaller": "parameters",
    "context length": "context_length",
    "context lengths": "context_length",
    "maximum sequence length": "context_length",
    "longer context": "context_length",
    "window": "context_length",
    "input window": "context_length",
    "longest input": "context_length",
    "input length": "context_length",
    "long an input": "context_length",  # "how long an input sequence can X take"
    "long a sequence": "context_length",
    "tokens of input": "context_length",  # "how many tokens of input can X take in at once"
    "maximum input": "context_length",
    "sequence window": "context_length",
    "venue": "venue",
    "first author": "author",
    "who": "author",
    "who wrote": "author",  # strong, unlike "who": "who wrote X and where did it appear"
    "who authored": "author",
    "written by": "author",
    "built on": "architecture",
    "based on": "architecture",
    "tokenized": "tokenizer",
    "tokenize": "tokenizer",
    "tokenizes": "tokenizer",
    "tokenise": "tokenizer",
    "tokenises": "tokenizer",
    "tokenizers": "tokenizer",
    "trained on": "dataset",
    "pretrained on": "dataset",
    "pre-trained on": "dataset",
    "data": "dataset",
    "updated": "last_updated",
    "last updated": "last_updated",
    "access": "access",
    "accessible": "access",
    "get hold of": "access",  # "can I get hold of the corpus"
    "access level": "access",
    "access levels": "access",
    "public": "access",
    "publicly": "access",
    "restricted": "access",
    "controlled": "access",
    "tagged": "tag",
    "repo": "repo",
    "doi": "link",
    "url": "link",
    "arxiv": "link",
    "code repository": "repo",
    "year": "year",
    "came out": "year",
    "published first": "year",
}
WEAK_CUES = {"code", "size", "data", "context", "who", "larger", "bigger", "smaller", "window"}

# Question openings that ask for an explanation rather than a value.
EXPLAIN_START = re.compile(  # at the question's start or its last sentence's ("X. How …")
    r"(^|[.!?]\s+)\s*(why|explain|describe|how (should|is|are|do|does|can|to|would|must)|"
    r"what (should|happens|does .* stand for|is the (role|purpose|idea|rationale|point))|"
    r"when (should|does|do|is|to)|what (are|is) the (risks?|pitfalls?|steps?|options?))\b",
    re.IGNORECASE,
)
# Words that ask for a comparison between the named entities.
COMPARE_CUES = re.compile(
    r"\b(compare|comparison|differ|difference|differences|versus|vs\.?|same|"
    r"which (is|has|was|came|one)\b.*\b(or|first|bigger|larger|smaller|longer|shorter|"
    r"earlier|later|older|newer)\b)",
    re.IGNORECASE,
)
# Questions whose answer is a number: counts, sizes, thresholds and reported metrics.
QUANTITY_Q = re.compile(
    r"\bhow (many|much|large|big|long)\b|\bnumber of\b|\b(threshold|cut-?off)\b|"
    # "… cutoff in millimetres": a unit asked for is a number asked for.
    r"\bin (milli(metre|meter)s|mm|seconds|ms|hz|minutes|hours|days|gb|base pairs|bp)\b|"
    # A metric asked for ("what AUROC …", "which mean correlation …"), not one named in
    # passing ("what has to be true before an AUC gain counts …").
    r"\b(what|which)('s| is| was| are)?( the| a| an)?( [\w-]+)?\s+"
    r"(auc|auroc|auprc|accuracy|f1|correlation|p-value|rmse|mae)\b|"
    # "what InfoNCE temperature value …", "which learning rate …", "what vocabulary size":
    # a setting's number.
    r"\b(what|which)\b[^,;?]{0,40}\b(value|rate|temperature|size)\b(?! of\b)|"
    # "what is the vocabulary size of X", "which version number": a named size or number
    # (not "the size of the X tensors", answered by a shape).
    r"\b(what|which)\b[^,;?]{0,40}\b(?!the\b)[a-z]+ size of\b|\bversion number\b",
    re.IGNORECASE,
)


# Statements that a fact is missing ("left empty", "not restated here", "could not confirm").
ABSENCE = re.compile(
    # "unknown" as the value ("Parameters: unknown."), not as a modifier ("unknown tokens").
    r"\b(left (empty|blank)|(is|are|was|remains?) unknown|unknown(?=\s*([.;,)]|$))|unreleased|undisclosed|not (yet )?(been )?"
    r"(reported|stated|restated|given|released|available|confirmed|known|specified|disclosed|"
    r"published|carded|found|provided|recorded|listed|documented)|(found|gives?|states?|reports?) no|could not (confirm|find)|"
    r"no (licen[cs]e|information|details|statement|weights?|download))\b",
    re.IGNORECASE,
)
WHY = re.compile(
    r"(^|[,;:.?!]\s*)((so|then|but) )?(why|how come)\b|"
    r"\bwhat (is|are) the (main |key )?(reasons?|rationale|causes?|arguments?)\b|"
    r"\bwhat(?:'s| is)? (causes|caused|causing)\b|"
    r"^\s*what (main |key )?(reasons?|rationale|arguments?)\b|"
    r"^\s*what makes\b|"  # "what makes X more parameter-efficient?" asks what causes it
    r"\b(reasons?|reasoning|rationale|justification|motivation|arguments?) (for|behind)\b",
    re.IGNORECASE,
)


def asks_number(question: str) -> bool:
    """Whether a question wants a number: "how many …", "what AUROC …", but not "why can't
    we trust a CCA correlation …" (an explanation that names a metric)."""
    return bool(QUANTITY_Q.search(question)) and not (
        WHY.search(question) or EXPLAIN_START.search(question)
    )


# Where reasons are written: "Reasons", "Rationale", "Why …", "because …".
# "Principle: prefer late integration first" gives a reason; a heading "Integration Principles" no.
REASON = re.compile(
    r"\b(reasons?|rationale|why|because|motivation|principles?(?=\s*:)|so that|since|"
    r"in order to|to (avoid|prevent|ensure)|otherwise)\b|"  # purpose: "pad … to avoid OOV"
    r"[A-Za-z)] → [a-z]",  # "not RC-equivariant → average …" (not "256→128→64" dimensions)
    re.I,
)
# "Why can't / wouldn't I …?" is answered by what limits the thing: its limitations, what
# it requires; a section of limitations holds those reasons.
WHY_NOT = re.compile(
    r"\bwhy (can't|cannot|can not|couldn't|won't|wouldn't|shouldn't|doesn't|don't|isn't|not)\b|"
    # "why might X be a poor choice for …": its limits answer
    r"\bwhy\b[^?]*\b(poor|bad|wrong|unsuitable|ill-suited) (choice|fit|option|idea|match)\b",
    re.I,
)
LIMITS = re.compile(
    r"\b(limitations?|caveats?|drawbacks?|downsides?|requires?|required|only up to|at most|"
    r"max(imum)?|overkill)\b",
    re.I,
)
# A heading over reasons: named so, or saying what goes wrong without the thing explained.
REASONS_HEADING = re.compile(
    rf"{REASON.pattern}|\b(goes|go|went) wrong\b|\bwithout (it|them|this)\b|"
    r"\b(benefits?|advantages?|motivations?)\b",
    re.I,
)


def gives_reason(question: str, text: str, reasons: re.Pattern[str] = REASON) -> bool:
    """Whether `text` answers "why …?" (`reasons` finds a reason in it), or, for "why can't
    / wouldn't …?", states a limit (a Limitations heading, what the thing requires)."""
    return bool(reasons.search(text) or (WHY_NOT.search(question) and LIMITS.search(text)))


# A sentence that says where an answer is rather than giving it ("The reasons are written
# down in the late-fusion-first decision", "See the genomics guide", "A → B: …" maps).
POINTER = re.compile(
    r"^(see|for (more|details|the full)\b)|\b(written down|described|explained|documented|"
    r"recorded) (in|by) the\b|\bgives? the (full|whole|complete) (argument|story|picture)\b|"
    r"→.*→|^[^:.]{1,60}→[^:.]{1,60}:",  # "A → B → C" maps; "Decisions → Plan: …" breadcrumbs
    re.IGNORECASE,
)
# "Anything I should watch out for?" asks for cautions; a caution says what to do or avoid.
CAUTION = re.compile(
    r"\b(watch out|look out|pitfalls?|gotchas?|caveats?|be careful|beware|(any|a|the) catch|"
    r"what (can|could|might) go wrong|what goes wrong|keep in mind|"
    # Troubleshooting: a symptom, then "what am I doing wrong?" / "what did I forget?"
    r"(am|are|was|were) (I|we) doing wrong|(did|do) (I|we) (\w+ )?(forget|miss|get wrong)|"
    r"what (am|are) (I|we) missing|what('s| is) (going )?wrong)\b",
    re.IGNORECASE,
)
CAUTIONARY = re.compile(
    r"\b(avoid|must|always|never|warning|careful|do not|don't|otherwise|require[sd]?|limitations?|"
    r"make sure|ensure|check that)\b|\bif [^.;]{0,60}\bnot\b",
    re.I,
)
# "What would justify moving to X?" asks for a condition; one is written as a trigger,
# criteria or "when to …".
CONDITION = re.compile(
    r"\b(justify|justifies|warrant|warrants|trigger|triggers|criteria|criterion|go/no-go|"
    r"when (should|do|would|can) (I|we) (move|switch|escalate|upgrade|proceed))\b",
    re.IGNORECASE,
)
CONDITIONAL = re.compile(
    r"^(triggers?|criteria|criterion|when to|go/no-go|escalate (when|if))\b|"
    r"\b(only (if|when)|proceed (if|when)|triggered by)\b",
    re.IGNORECASE,
)
# A question's cue and the cue of a unit that answers it (neither names a field).
ANSWER_CUES = ((CAUTION, CAUTIONARY), (CONDITION, CONDITIONAL))


def cued(question: str, unit: str) -> bool:
    """Whether a unit answers the kind of question asked: a caution for "what am I doing
    wrong?", a trigger for "what would justify …?"."""
    return any(q.search(question) and u.search(unit) for q, u in ANSWER_CUES)


# "Which one?" asks for the kind named before it.
ONE_WORDS = {"one", "ones"}
# "Among the brain models, which ones …": a list asked for after the kind is named.
# "which of them", and "Among the cohorts …, which are …": a list asked after its scope.
WHICH_ONES = re.compile(
    r"\bwhich (ones|of (them|these|those))\b|^\s*(among|of|from|out of)\b[^,?]*,\s*which\b",
    re.IGNORECASE,
)
# "For which models does the KB record …": a preposition may lead the question word.
LIST_START = re.compile(
    r"^\s*((for|in|on|with|by|from|to) )?(which|what)\b|^\s*(list|name|show|give)\b",
    re.IGNORECASE,
)

# Words that frame a question rather than name its subject ("what role does X play").
FRAME_WORDS = {
    "role",
    "play",
    "purpose",
    "reason",
    "way",
    "list",
    "mention",
    "say",
    "state",
    "describe",
    "explain",
    "advise",
    "recommend",
    "warn",
    "suggest",
    "according",
    "documentation",
    "doc",
    "kb",
    "project",
    # "what goes wrong if …", "what happens when …": the frame, not the topic
    "go",
    "goe",
    "goes",
    "wrong",
    "happen",
    "cope",  # "how does X cope with …": how it handles it
}

# Classes of values a question may filter by without naming one: property -> pattern.
_LICENSES = ("license", "license_weights")
VALUE_CLASSES: dict[str, tuple[tuple[str, ...], str]] = {
    "non commercial": (_LICENSES, r"(\bNC\b|-NC-|non-?commercial)"),
    "noncommercial": (_LICENSES, r"(\bNC\b|-NC-|non-?commercial)"),
    "permissive": (_LICENSES, r"\b(MIT|Apache|BSD)"),
    "copyleft": (_LICENSES, r"\b(A?GPL)"),
}
# Properties a card may state inside prose when it has no field for them ("restrictions:
# Apache-2.0 license. Cite …"): property -> a pattern the sentence must hold.
_LICENSE_ID = r"(Apache[- ]?2(\.0)?|MIT|BSD(-\d-Clause)?|L?GPL(-?v?\d(\.\d)?)?|CC[- ]BY[\w.-]*|CC0|MPL-?2(\.0)?)"
STATED_IN_PROSE: dict[str, re.Pattern] = {
    p: re.compile(
        rf"\b{_LICENSE_ID}\b[^.;]{{0,30}}\blicen[cs]e|\blicen[cs]ed? (under )?(the )?{_LICENSE_ID}\b"
    )
    for p in _LICENSES
}
# Question words and the YAML key words that name the same field ("PCA width" ~ `dim`).
KEY_SYNONYMS = {
    "width": ("dim", "dimension"),
    "size": ("count",),  # a dataset's size is in its `counts`
    "parameters": ("count",),  # … also when asked as a model's ("how big", "larger")
    "row": ("record",),  # a table's rows are its records
    "dimensionality": ("dim", "dimension"),
    "tr": ("repetition",),  # repetition time
    "learning": ("lr",),  # learning rate
    "rate": ("lr",),
    "need": ("requirement",),  # what a method needs is in its `requirements`
    "kind": ("type",),  # "what kind of method is it": its `type`
    "long": ("length",),  # "how long, in base pairs": its `length_bp`
    "base": ("bp",),
    "pair": ("bp",),
    # People counted: the cards count them as participants or subjects.
    "participant": ("subject",),
    "subject": ("participant",),
    **{w: ("participant", "subject") for w in ("kid", "child", "children", "people", "person")},
    **{w: ("participant", "subject") for w in ("individual", "adolescent", "adult", "patient")},
}
# Words a question uses for what a doc's section heading calls otherwise (stems).
_WEAKNESS = ("limitation", "weakness", "drawback", "downside", "disadvantage", "con")
_STRENGTH = ("strength", "advantage", "benefit", "pro", "upside")
# What a doc writes as a section of its own, never as a card field ("Limitations").
SECTION_WORDS = {*_WEAKNESS, *_STRENGTH, "pitfall", "caveat", "risk", "tradeoff"}
HEADING_SYNONYMS = {
    **{w: _WEAKNESS for w in ("drawback", "downside", "disadvantage", "shortcoming", "weakness")},
    **{w: _STRENGTH for w in ("advantage", "benefit", "upside", "strength")},
}
# Broader modality words: a question about "brain" models means every brain modality.
BROADER_MODALITIES = {
    "brain": ("brain", "fmri", "smri", "eeg"),
    "medical_imaging": ("medical_imaging", "smri", "fmri", "pathology"),
}
# Words too general to name an entity on their own (entity keys equal to one are skipped).
GENERIC = {
    "model",
    "models",
    "dataset",
    "datasets",
    "paper",
    "papers",
    "data",
    "code",
    "readme",
    "index",
    "overview",
    "none",
    "baseline",
    "template",
    "method",
    "pipeline",
    "strategy",
    "experiment",
}
# "KB paper cards" is the kind, not the folder's README titled "Paper Cards".
GENERIC |= {
    f"{k}{c}" for k in ("model", "paper", "dataset", "integration") for c in ("card", "cards")
}


def property_phrases() -> dict[str, str]:
    """Every phrase (lower case) that names a canonical property, longest first."""
    out: dict[str, str] = {}
    for prop, spec in PROPERTIES.items():
        out[prop.replace("_", " ")] = prop
        out[spec["label"].lower()] = prop
    out.update(PROPERTY_SYNONYMS)
    out.update(PROPERTY_CUES)
    # "name"/"title"/"summary" are how questions are phrased, not what they ask for.
    for word in ("name", "title", "summary", "description", "model", "related", "link", "status"):
        out.pop(word, None)
    return dict(sorted(out.items(), key=lambda kv: -len(kv[0].split())))


def modality_words() -> set[str]:
    """Every synonym of every modality (lower case)."""
    return {s for spec in MODALITIES.values() for s in spec["synonyms"]} | set(MODALITIES)
