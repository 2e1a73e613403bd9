"""English word classes: the closed classes named once, and the open ones from lemminflect.

The filler rules need a little grammar: "people like expect a number" pads because a bare verb
cannot be what people like, and "that kind of kills the sale" hedges a verb where "that kind of
bug" names a type. Closed classes (pronouns, determiners, forms of "be", prepositions, ...) are
short lists, spelled out here once as normalised tokens (lower case, apostrophes kept) so each
rule builds its word sets from them. Open classes (which forms can be verbs or nouns) come from
the word list shipped inside the lemminflect wheel, so the lookup works offline; an unknown word
has no classes.
"""

from __future__ import annotations

from functools import lru_cache

from lemminflect import getAllLemmas

# Pronouns. "It" is left out of the persons: a person likes, knows and means; "it" does not.
PERSONAL_SUBJECTS = frozenset({"i", "we", "you", "they", "he", "she"})
SUBJECT_PRONOUNS = PERSONAL_SUBJECTS | {"it"}
OBJECT_PRONOUNS = frozenset({"me", "us", "you", "them", "him", "her", "it"})
# "I'd" is "I would" as often as "I had": it sits with the modals too (``WOULD_CONTRACTIONS``).
WOULD_CONTRACTIONS = frozenset({"i'd", "we'd", "you'd", "they'd"})
SUBJECT_CONTRACTIONS = WOULD_CONTRACTIONS | {
    "i'm", "we're", "you're", "they're", "i've", "we've", "it's", "that's", "there's",
}  # fmt: skip

# Determiners. "his" and "her" are left out of the possessives: they double as pronouns.
INDEFINITE_ARTICLES = frozenset({"a", "an"})
ARTICLES = INDEFINITE_ARTICLES | {"the"}
DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})
POSSESSIVE_DETERMINERS = frozenset({"my", "our", "your", "their", "its"})
DETERMINERS = ARTICLES | DEMONSTRATIVES | POSSESSIVE_DETERMINERS
QUANTIFIERS = frozenset({"some", "any", "each", "all", "many", "much", "more", "most", "few"})
WH_WORDS = frozenset({"what", "which", "who", "how", "why", "when", "where", "whether"})

# Verbs with a closed set of forms.
BE_FORMS = frozenset({"is", "was", "are", "were", "be", "been", "being"})
# The contractions of "is" a transcript writes as one word ("'s" is the bare clitic).
BE_CONTRACTIONS = frozenset({"'s", "it's", "that's", "what's"})
DO_FORMS = frozenset({"do", "does", "did", "don't", "didn't"})
# Modals of ability, permission and the future ...
MODALS = frozenset({"can", "cannot", "can't", "will", "won't", "must", "may", "'ll"})
# ... and of the conditional, which "like" after them turns into wanting ("I'd like two").
CONDITIONAL_MODALS = frozenset({"would", "'d", "should", "could", "might"})
NEGATED_MODALS = frozenset({"cannot", "can't", "couldn't", "won't", "wouldn't", "mustn't"})

# Prepositions, and the conjunctions that start a clause.
PREPOSITIONS = frozenset(
    [
        "with", "for", "in", "on", "at", "from", "into", "about", "after", "during", "within",
        "through", "by", "than", "around", "under", "across", "per", "onto", "until", "of",
        "over",
    ]
)  # fmt: skip
COORDINATORS = frozenset({"and", "but", "so", "or"})
CLAUSE_CONJUNCTIONS = COORDINATORS | {"because"}
CONDITIONALS = frozenset({"if", "whether", "unless"})
TIME_CONJUNCTIONS = frozenset({"once", "since", "when", "until"})

# Numbers and amounts, as words.
CARDINALS = frozenset(
    ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
)
TEENS = frozenset(
    [
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen",
    ]
)  # fmt: skip
TENS = frozenset(["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"])
LARGE_NUMBERS = frozenset({"hundred", "thousand", "million", "billion"})
NUMBER_WORDS = CARDINALS | TEENS | TENS | LARGE_NUMBERS | {"zero"}
# "tens of", "millions of rows": a plural amount.
PLURAL_AMOUNTS = frozenset({"tens", "dozens", "hundreds", "thousands", "millions"})
FRACTIONS = frozenset({"half", "third", "quarter", "fifth", "tenth"})
TIME_UNITS = frozenset({"second", "minute", "hour", "day", "week", "month", "year"})
TIME_SPANS = frozenset(unit + "s" for unit in TIME_UNITS)
PARTS_OF_DAY = frozenset({"morning", "afternoon", "evening", "night", "weekend"})
# What "a" makes an amount of: "a third", "a few", "a dozen", "a day", "a sprint".
AMOUNTS = (
    FRACTIONS | LARGE_NUMBERS | TIME_UNITS | PARTS_OF_DAY | {"few", "couple", "dozen", "sprint"}
)

# Adverbs: words that raise a degree ("really slow", "far worse") ...
INTENSIFIERS = frozenset({"very", "really", "so", "totally", "completely", "super"})
# ... words that raise a comparative ("far worse", "much higher", "way more", "still useful") ...
COMPARATIVE_INTENSIFIERS = frozenset({"far", "much", "way", "still"})
# Words after which what follows is an amount or a degree, not a thing: "like three weeks",
# "like twice the error", "like really slow", "sort of half automated". Of the numbers only those
# the rules were tuned on ("like forty thousand" is not yet read as an amount).
APPROXIMATORS = (
    CARDINALS
    | {"twenty", "fifty", "hundred", "thousand", "half", "twice"}
    | INTENSIFIERS
    | COMPARATIVE_INTENSIFIERS
    | {"almost", "nearly", "maybe", "basically", "literally"}
)
# ... and the particles of phrasal verbs ("fall out", "set up").
PARTICLES = frozenset({"out", "off", "up", "apart", "down", "away", "back"})
# Verbs (as lemmas) and adjectives that take a clause with "that" left out: "we knew we had a
# leak", "I'm sure I saw it". After one, a subject said again opens that clause.
CLAUSE_TAKING_VERBS = frozenset(
    [
        "think", "say", "know", "find", "feel", "guess", "hope", "believe", "realize", "realise",
        "notice", "see", "decide", "figure", "learn", "agree", "assume", "expect", "suspect",
        "wish", "mean", "bet", "suppose", "hear", "show", "argue", "admit", "understand",
        "doubt", "worry", "promise", "reckon", "imagine", "forget", "remember", "claim", "tell",
        "check", "confirm", "verify", "prove", "ensure", "suggest", "insist", "predict",
        "mention", "explain", "discover", "recognize", "recognise", "pretend", "warn", "read",
        "fear", "trust", "gather", "conclude", "estimate", "note", "sense",
    ]
)  # fmt: skip
CLAUSE_TAKING_ADJECTIVES = frozenset(
    ["sure", "glad", "afraid", "aware", "confident", "convinced", "surprised", "happy", "certain",
     "worried", "sorry", "proud", "lucky"]
)  # fmt: skip


@lru_cache(maxsize=8192)
def word_classes(token: str) -> frozenset[str]:
    """The universal POS tags (``"VERB"``, ``"NOUN"``, ...) ``token`` can have; empty if unknown."""
    return frozenset(getAllLemmas(token))


def only_a_verb(token: str) -> bool:
    """Whether ``token`` is a verb form and nothing else: "expect", "gave", "simplified"."""
    return word_classes(token) == {"VERB"}


def can_be_a_noun(token: str) -> bool:
    return "NOUN" in word_classes(token)


@lru_cache(maxsize=8192)
def irregular_past(token: str) -> bool:
    """Whether ``token`` is an irregular past form of a verb: "fell", "gave", "left"."""
    # "fell" is also the base form of "to fell": one verb reading other than itself is enough.
    inflected = any(lemma != token for lemma in getAllLemmas(token).get("VERB", ()))
    return inflected and not token.endswith(("s", "ing", "ed"))


def takes_a_clause(token: str) -> bool:
    """Whether a clause can follow ``token`` with "that" left out: "knew", "said", "sure"."""
    if token in CLAUSE_TAKING_ADJECTIVES:
        return True
    return any(lemma in CLAUSE_TAKING_VERBS for lemma in verb_lemmas(token))


@lru_cache(maxsize=8192)
def verb_lemmas(token: str) -> frozenset[str]:
    """The verb lemmas ``token`` can be a form of ("knew" → "know"); the token itself too."""
    return frozenset(getAllLemmas(token).get("VERB", ())) | {token}


def superlative(token: str) -> bool:
    """Whether ``token`` has a superlative's ending: "simplest", "longest"."""
    return len(token) > 4 and token.endswith("est")


def load_word_list() -> None:
    """Read lemminflect's word list now: it loads at the first lookup and takes most of a
    second, which an answer's scoring should not wait for."""
    getAllLemmas("be")
