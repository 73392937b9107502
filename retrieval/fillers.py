"""Words of a question that carry no condition or asked thing of their own: verbs and
fillers ("use", "released", "according"), and the words that only say something is named."""

from retrieval.lexicon import ONE_WORDS

# Words that carry no constraint of their own (verbs and fillers of questions).
NAMING = {"named", "called"}  # "a named pipeline": one that has a name, not its name field
# "uses a specific strategy": one strategy, not one described as specific.
DETERMINERS = {"specific", "particular", "certain", "single", "two", "three", "four", "several"}
FILLER = {
    *NAMING,
    *DETERMINERS,
    "use",
    "used",
    "uses",
    "have",
    "has",
    "contain",
    "support",
    "released",
    "release",
    "according",
    "there",
    "kb",
    "knowledge",
    "document",
    "documented",
    "take",
    "part",
    "come",
    "appear",
    "appeared",
    "play",
    "follow",
    "list",
    "describe",
    "cover",
    "produced",
    "applied",
    "apply",
    "evaluated",
    "intended",
    "et",
    "al",
    "under",
    "compare",
    "compared",
    "whose",
    "comparing",
    "differ",
    "first",
    "should",
    "must",
    "need",
    "want",  # "I only want DNA datasets I can download …": the asker's wish, no condition
    "behind",
    "it",  # "which is it": points back at what was named
    "respectively",  # "what do A and B use, respectively": order, not a field
    "own",  # "ships with its own benchmark": the benchmark is its, nothing more
    "only",  # "the only fMRI model that …": one such, no field of its own
    "prior",  # "follows a prior study": earlier than what names it, no field of its own
    "previous",
    "per",
    "describing",
    "id",  # "which strategy ids": the entities, which the answer names by id anyway
    # "the registered strategies": every card in the KB is registered, listed and known.
    "registered",
    "carded",  # "the carded model papers": those with a card, which every entity has
    "listed",
    "existing",
    "linked",  # "which datasets are linked to it": related, which a hop answers
    *ONE_WORDS,  # "hooks into one harmonization method": a count of one, no modifier
}
