"""The filler rules as data: for each discourse phrase, an ordered table of named rules.

Discourse markers ("like", "you know", "I mean", "kind of", ...) double as content ("tools like
Spark", "this kind of model", "I mean the test set"). For each phrase, the rules are tried in
order on the candidate's ``Context``; the first whose condition holds decides, and the table's
last rule, which has no condition, is the default. Each rule carries its own examples, and
tests/test_filler_rules.py checks that each is decided by that very rule, so a rule that an
earlier one shadows shows up as a failing example.

An example is a sentence and the verdict for the first candidate of the table's phrase in it; a
``/`` between words marks a pause in the sound there (see ``example_words``). The rules read
English only: how one model mishears a filler ("kind on") is put right before them, in
``rehearse.speech.quirks``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rehearse.language.filler_context import Condition, Context, Verdict, ends_clause, ends_sentence
from rehearse.text.lexicon import (
    AMOUNTS,
    APPROXIMATORS,
    ARTICLES,
    BE_CONTRACTIONS,
    BE_FORMS,
    CARDINALS,
    CLAUSE_CONJUNCTIONS,
    CONDITIONAL_MODALS,
    CONDITIONALS,
    COORDINATORS,
    DEMONSTRATIVES,
    DETERMINERS,
    DO_FORMS,
    FRACTIONS,
    INDEFINITE_ARTICLES,
    MODALS,
    NEGATED_MODALS,
    NUMBER_WORDS,
    OBJECT_PRONOUNS,
    PARTICLES,
    PERSONAL_SUBJECTS,
    PLURAL_AMOUNTS,
    POSSESSIVE_DETERMINERS,
    PREPOSITIONS,
    QUANTIFIERS,
    SUBJECT_CONTRACTIONS,
    SUBJECT_PRONOUNS,
    TIME_CONJUNCTIONS,
    TIME_SPANS,
    WH_WORDS,
    WOULD_CONTRACTIONS,
    can_be_a_noun,
    irregular_past,
    only_a_verb,
    superlative,
    takes_a_clause,
    verb_lemmas,
    word_classes,
)
from rehearse.text.words import Word, hesitation_form

Example = tuple[str, Verdict]


@dataclass(frozen=True)
class Rule:
    """One way a candidate is judged; ``when`` is ``None`` for a table's default."""

    name: str
    verdict: Verdict
    description: str  # one line a user can read: "like: introduces examples … → content"
    examples: tuple[Example, ...]
    when: Condition | None = None

    def holds(self, context: Context) -> bool:
        return self.when is None or self.when(context)


@dataclass(frozen=True)
class Phrase:
    """A discourse phrase: how it may be spelled, and its ordered table of rules."""

    name: str
    # The words as spoken, and what the report calls them: ("kinda",) is "kind of".
    spellings: Mapping[tuple[str, ...], str]
    rules: tuple[Rule, ...]

    def decide(self, context: Context) -> Rule:
        return next(rule for rule in self.rules if rule.holds(context))


def example_words(example: str) -> tuple[list[Word], frozenset[int]]:
    """An example's words, one every 0.4 s, and the indices ``/`` marks as set off by a pause."""
    words: list[Word] = []
    paused: set[int] = set()
    for token in example.split():
        if token == "/":
            paused.add(len(words))
            continue
        t = round(len(words) * 0.4, 3)
        words.append(Word(token, t, round(t + 0.32, 3)))
    return words, frozenset(paused)


# ---------------------------------------------------------------------------------------------
# Word sets the rules share (closed classes come from the lexicon)

# "is it like a funnel", "that's like still useful": a form of "be".
_COPULAS = BE_FORMS | BE_CONTRACTIONS
# Objects that "like", "literally" and "kind of" look for after a verb. "you", "him" and "her"
# are left out: "you" is as often the next clause's subject, "her" a determiner.
_OBJECTS = frozenset({"it", "that", "this", "them", "me", "us", "everything", "anything"})
_INDEFINITE_PRONOUNS = frozenset(
    {"someone", "somebody", "something", "everyone", "everybody", "anyone", "anybody", "nobody"}
)
# Pronouns that can only be objects: "it", "you" and "her" can be more.
_OBJECT_ONLY = OBJECT_PRONOUNS - {"it", "you", "her"}
# What may follow a verb's past as its object ("we like silenced someone"), where a noun after
# a participle is what it describes ("features like filled values").
_PAST_OBJECTS = _OBJECTS | _INDEFINITE_PRONOUNS
# "A kind of" hedges one of these, where the content use names a type with a noun.
_NUMBERS = CARDINALS | {"half"}

# ---------------------------------------------------------------------------------------------
# like

# Before "like", these make it a verb or a preposition of comparison, i.e. content, even with
# pauses around it ("I like boosting", "what the data should look like, and…").
_SEEMING = frozenset(
    [
        "look", "looks", "looked", "looking", "seem", "seems", "seemed", "feel", "feels", "felt",
        "sound", "sounds", "sounded",
    ]
)  # fmt: skip
_LIKE_IS_A_VERB_OR_COMPARES_AFTER = (
    PERSONAL_SUBJECTS
    | DO_FORMS
    | _SEEMING
    | {"something", "anything", "nothing", "things", "stuff"}  # "something like that"
    | {"much", "more", "less"}  # "much like", "more like a guess"
    | {"exactly", "just", "very", "really", "also", "not"}  # "just like", "really like it"
)
# "I'd like two", but "I'd, like, keep one": after these, only commas or pauses around "like"
# make it padding, and not even they when what is wanted follows ("I'd like the model to…").
_WANTING = CONDITIONAL_MODALS | WOULD_CONTRACTIONS
_WANTED = frozenset(
    ["to", "people", "everyone", "everybody", "every", "each", "all", "some", "more"]
)


def _asks(c: Context) -> bool:
    """Whether a question follows "like": "the score like is it the retention team"."""
    return c.after in _COPULAS and c.after2 in SUBJECT_PRONOUNS | {"there", "this", "that"}


# "matters like because listings sell": a conjunction of reason cannot be liked or compared.
_REASONS = frozenset({"because", "since", "so"})
# After a form of "be", "like" compares with these ("it's like a funnel", "like what we had").
_COMPARED = INDEFINITE_ARTICLES | {"this", "that"} | {"what", "when", "how", "if"}
# "like as much as", "like as long as": "as" and these make an amount.
_AS_MUCH = frozenset({"much", "many", "long", "often", "big"})
# "sources, like a two tower model", "small things, like whether a timezone": after a noun set
# off by a comma or a pause, "like" introduces examples (content), unless what follows is an
# amount, a degree or a clause of its own ("transactions, like, millions of rows").
_NOT_EXAMPLES = (
    NUMBER_WORDS
    | PLURAL_AMOUNTS
    | SUBJECT_PRONOUNS
    | SUBJECT_CONTRACTIONS
    | {"every", "all", "most"}
    | {"about", "around", "only", "just", "even"}
    | {"always", "never", "straight", "actually", "honestly"}
)
# Words the lexicon also lists as nouns that cannot have examples: "I, like, always", "end up,
# like, spamming", "not some, like, infinite horizon".
_NOT_NAMES = (
    SUBJECT_PRONOUNS
    | OBJECT_PRONOUNS
    | DEMONSTRATIVES
    | POSSESSIVE_DETERMINERS
    | QUANTIFIERS
    | WH_WORDS
    | PARTICLES
    | {"in", "on", "over", "there", "here", "now", "then"}
)
# "with like a monthly review", "dropped by like a third": a preposition takes its object, and
# "like" in between pads it ("of" and "over" are left out: "sort of like a funnel", "handed work
# over like a relay" compare). "Worth" takes its object as a preposition does: "wasn't worth like
# another day of compute".
_TAKES_AN_OBJECT = (PREPOSITIONS - {"of", "over"}) | {"worth"}


def _of_not_kind_of(c: Context) -> bool:
    """ "a list of like the twenty patients", "a holdout of like five percent": "of" takes its
    object too, unless it closes "kind of" or "sort of", which "like" then follows to compare
    ("sort of like a funnel": all of the dev scripts' "of like" that compare)."""
    return c.before == "of" and c.before2 not in ("kind", "sort")


def _gives_an_example(c: Context) -> bool:
    """Whether "like", after a noun, introduces examples of it: "metrics, like conversion rate",
    "career stuff, like, how to push back"; not "transactions, like, millions of rows"."""
    if not c.before or not c.after:
        return False
    classes = word_classes(c.before)
    if "NOUN" not in classes or "AUX" in classes or c.before in _NOT_NAMES:
        return False
    if c.before in _COPULAS or _starts_a_clause(c.before) or c.after in _NOT_EXAMPLES:
        return False
    if _approximates(c.after, c.after2):
        return False
    return not _starts_a_verb_phrase(c, c.end + 1)


def _starts_a_clause(token: str) -> bool:
    """A conjunction or a hesitation: after it, "like" pads ("and like the recall")."""
    return token in CLAUSE_CONJUNCTIONS or hesitation_form(token) is not None


def _approximates(after: str, after2: str) -> bool:
    """Whether "like" before ``after`` and ``after2`` approximates an amount or hedges a degree:
    "like three weeks", "it was like a two minute switch", "like a 4 % lift", "like as much as",
    "like suspiciously great", "complained, like constantly". That is padding wherever "like"
    stands, unless a verb of liking or seeming comes first ("I'd like two", "looks like far
    less"), which the rules before this one catch."""
    if after in APPROXIMATORS or _is_a_number(after):
        return True
    amount = after2 in AMOUNTS or after2 in _NUMBERS or _is_a_number(after2)
    if after in INDEFINITE_ARTICLES and amount:
        return True
    # "like nine hours", "like several weeks", and a number misheard: "like high hours".
    if after2 in TIME_SPANS and after not in DETERMINERS:
        return True
    if after == "as" and after2 in _AS_MUCH:
        return True
    # "like hundreds of thousands", "like millions of rows": a round amount, never an example.
    if after in PLURAL_AMOUNTS and after2 == "of":
        return True
    # "reviews like about two million", "things that change like once a day": a word that
    # rounds an amount, or a frequency, after "like" rounds it again.
    if after in _ROUNDING and (after2 in NUMBER_WORDS or _is_a_number(after2)):
        return True
    if after == "once" and after2 in INDEFINITE_ARTICLES | {"every", "per"}:
        return True
    return after.endswith("ly") and word_classes(after) == {"ADV"}


_ROUNDING = frozenset({"about", "around", "over", "under"})


def _is_a_number(token: str) -> bool:
    return token.replace(".", "").isdigit()


def _starts_a_verb_phrase(c: Context, k: int) -> bool:
    """Whether word ``k`` is a verb, not an -ing form, with its object or adverb after it."""
    token = c.token_at(k)
    if k + 1 >= len(c.tokens) or token.endswith("ing") or c.text(k).rstrip().endswith(","):
        return False
    following = c.tokens[k + 1]
    classes = word_classes(token)
    # A word the lexicon does not know, in "-ed" and before its object, is a verb's past
    # ("reimplemented them"; "deepspeed for sharding" is a name).
    past = not classes and token.endswith("ed") and not token.endswith("eed")
    if past and following not in _PAST_OBJECTS and following not in DETERMINERS:
        return False
    if only_a_verb(token) or past:
        # A participle before a noun describes it: "features like filled values"; a pronoun
        # is no noun it could describe ("we like silenced someone").
        if token.endswith("ed") and following not in _PAST_OBJECTS and can_be_a_noun(following):
            return False
        # The lexicon lists pronouns as nouns; a subject pronoun opens the verb's clause object.
        pronoun = following in _PAST_OBJECTS or following in PERSONAL_SUBJECTS
        return pronoun or word_classes(following) != {"NOUN"}
    if irregular_past(token):
        # A past form that is nothing but a verb needs no test ("the model like had eighty
        # milliseconds"); one that is also a noun or an adjective ("fell", "left") is the verb
        # when no noun follows it: "the rate like fell off a cliff".
        return classes <= {"VERB", "AUX"} or not can_be_a_noun(following)
    # A word that is a noun or a verb, with an object pronoun after it, is the verb: "those
    # false alarms like cost us users" ("things like cost" would not go on with "us").
    return "VERB" in classes and following in _OBJECT_ONLY


def _closes_with_a_fraction(c: Context) -> bool:
    """ "…, I like a third,": a subject does not like an amount that closes the clause."""
    fraction = c.after == "a" and c.after2 in FRACTIONS and ends_clause(c.text(c.end + 2))
    return c.before_past_hesitation in PERSONAL_SUBJECTS and fraction


def _compares_after_be(c: Context) -> bool:
    """ "it's like a funnel", "it's like giving the underdog a ticket": like a thing or an act."""
    acts = len(c.after) > 4 and c.after.endswith("ing")
    return c.before_past_hesitation in _COPULAS and (c.after in _COMPARED or acts)


def _modal_before_a_verb(c: Context) -> bool:
    """ "you can like audit every decision"; the verb "like" takes an object ("will like it")."""
    verb = "VERB" in word_classes(c.after) and c.after not in _OBJECTS
    return c.before_past_hesitation in MODALS and verb


def _wants(c: Context) -> bool:
    wanted = c.after in _WANTED or c.after in DETERMINERS or c.after in _OBJECTS
    return c.before_past_hesitation in _WANTING and wanted


# Adverbs that go before a verb, not after "like" the verb: "we like only trained on March".
_ADVERBS_BEFORE_A_VERB = frozenset({"only", "always", "never", "actually", "just", "even"})


def _subject_then_verb(c: Context) -> bool:
    """Whether "like" stands between a subject and that subject's verb: "so we like wrote the
    analysis", "I like always sanity check", "and then we like break it up". The verb "like"
    takes a noun, "to" or an -ing form, never a bare or past verb."""
    if c.before_past_hesitation not in PERSONAL_SUBJECTS:
        return False
    k = _verb_slot(c)
    if _starts_a_verb_phrase(c, k) or _base_verb_before_its_object(c, k, PREPOSITIONS):
        return True
    # "guardrails that we like never trade away": an adverb and a verb, or "like didn't".
    return _before_an_auxiliary_or_a_verbs_adverb(c)


def _verb_slot(c: Context) -> int:
    """Where the verb after "like" would stand: the next word, or the one after an adverb that
    goes before a verb ("we like only trained")."""
    return c.end + 2 if c.after in _ADVERBS_BEFORE_A_VERB else c.end + 1


def _base_verb_before_its_object(c: Context, k: int, also: frozenset[str]) -> bool:
    """Whether word ``k``, a base form that may also be a noun, is the verb because its object
    (or a word of ``also``) follows: "I like start from ten", "I'd like keep a small slice";
    not "I like test sets"."""
    token, following = c.token_at(k), c.token_at(k + 1)
    base = "VERB" in word_classes(token) and not token.endswith(("ing", "s", "ed"))
    opens_its_object = following in _OBJECTS or following in ARTICLES or following in also
    return base and opens_its_object and not ends_clause(c.text(k))


def _wants_a_bare_verb(c: Context) -> bool:
    """ "I'd like keep a small slice", "we would like invest in it": the "like" of wanting takes
    "to" before a verb, so a bare verb shows it pads. A preposition after a word that is also a
    noun is left out: "I'd like help with the labels" wants help."""
    if c.before_past_hesitation not in _WANTING:
        return False
    k = _verb_slot(c)
    # A particle after a base form makes it a phrasal verb: "could like reach out".
    return _starts_a_verb_phrase(c, k) or _base_verb_before_its_object(c, k, PARTICLES)


# "It was like a coin flip", "some meters were like reporting zeros", "it would be like a small
# classifier": a comparison that explains an idea is told in the present ("it's like a funnel"),
# while a past or a hypothetical "be" tells what happened, and "like" there hedges it. On the
# dev scripts "was like" and "were like" are fillers every time they are labelled (142 of 142).
_PAST_BE = frozenset({"was", "were", "wasn't", "weren't"})
_HYPOTHETICAL = MODALS | CONDITIONAL_MODALS | WOULD_CONTRACTIONS


def _after_past_or_hypothetical_be(c: Context) -> bool:
    be = c.before_past_hesitation
    # "It was like what we had before": a clause names the situation compared with.
    if c.after in _COMPARED - INDEFINITE_ARTICLES - DEMONSTRATIVES:
        return False
    if be in _PAST_BE:
        return True
    return be == "be" and c.token_at(c.start - 2) in _HYPOTHETICAL


# "That's like a worse experience", "which is like a free feature selection": "that" or "which"
# points back at what was just said, and "like" hedges how it is described; an analogy brings
# its own frame with "it's like". On the dev scripts 12 of 12 are labelled fillers.
_POINTING_BACK = frozenset({"that", "which"})


def _after_that_is(c: Context) -> bool:
    be = c.before_past_hesitation
    if c.after in _COMPARED - INDEFINITE_ARTICLES - DEMONSTRATIVES:
        return False
    return be == "that's" or (be == "is" and c.token_at(c.start - 2) in _POINTING_BACK)


# Verbs whose complement says how something behaves or seems, so "like" after them compares:
# "it behaved like a poll", "the setup works like a funnel", "a paper can read like a
# breakthrough"; and verbs of change that take no object, which "like" describes: "the error
# grows like the square root", "recall dropped like a stone". "know" and "mean" close the
# phrases "you know" and "I mean": the "like" after them follows a filler ("a proxy you know
# like a big drop") and gives an example.
_MANNER_VERBS = frozenset(
    ["behave", "act", "work", "function", "perform", "read", "look", "seem", "sound", "feel",
     "smell", "taste", "grow", "scale", "decay", "move", "rise", "fall", "drop", "spread",
     "change", "vary", "fluctuate", "converge", "diverge", "know", "mean"]
)  # fmt: skip
_HAVE = frozenset({"have", "has", "had"})
# What opens an object: "had like a monthly cadence", "needed like the top three factors".
_OBJECT_OPENERS = DETERMINERS | QUANTIFIERS | {"every", "another", "no"}


def _pads_an_object(c: Context) -> bool:
    """Whether "like" stands between a verb and its object: "we had like a monthly cadence",
    "so we needed like the top three factors", "people write like a glowing paragraph". An
    object follows its verb directly; the "like" of comparison comes after the object ("treated
    it like a DJ set") or after a verb with no object ("it behaved like a poll")."""
    verb = c.before_past_hesitation
    if not (verb in _HAVE or only_a_verb(verb)) or verb.endswith(("ing", "n't")):
        return False
    if verb_lemmas(verb) & _MANNER_VERBS or c.after not in _OBJECT_OPENERS:
        return False
    # After "be" the verb is a passive participle, with no object to pad: "it was tuned like the
    # old one", "it was built like a house".
    return c.token_at(c.start - 2) not in _COPULAS


# Negated auxiliaries: the verb "like" cannot take one as its object, nor the preposition
# "like" as the start of what it compares ("points that like didn't look real").
_NEGATED_AUXILIARIES = NEGATED_MODALS | {
    "don't", "doesn't", "didn't", "isn't", "wasn't", "aren't", "weren't", "hasn't", "haven't",
    "hadn't", "shouldn't",
}  # fmt: skip


def _before_an_auxiliary_or_a_verbs_adverb(c: Context) -> bool:
    """Whether a verb phrase follows "like" that starts with a negated auxiliary, or with an
    adverb that goes before a verb and then the verb: "points that like didn't look real",
    "guardrails that we like never trade away", "a new product like just never gets shown".
    Neither the verb "like" (it takes a noun, "to" or an -ing form) nor the preposition (it
    takes a noun phrase or a clause with its subject) can be followed so. "Like never before"
    and "like just a baseline" have no verb."""
    k = c.end + 1
    if c.token_at(k) in _NEGATED_AUXILIARIES:
        return True
    if c.token_at(k) not in _ADVERBS_BEFORE_A_VERB:
        return False
    while c.token_at(k) in _ADVERBS_BEFORE_A_VERB and not ends_clause(c.text(k)):
        k += 1
    verb = c.token_at(k)
    if verb in DETERMINERS or verb in _OBJECTS or verb.endswith("ing"):
        return False
    return k > c.end + 1 and "VERB" in word_classes(verb) and "ADP" not in word_classes(verb)


def _after_an_opening_adverb(c: Context) -> bool:
    """Whether "like" follows a sentence adverb that opens its clause: "honestly like it's the
    cheapest check", "and honestly like the best reviews". "Like" as a verb needs its subject
    there, and as a preposition something to attach to; "I honestly like it" has its subject."""
    adverb, k = c.before, c.start - 1
    if not adverb.endswith("ly") or word_classes(adverb) != {"ADV"}:
        return False
    opens = k == 0 or ends_clause(c.text(k - 1)) or c.token_at(k - 1) in CLAUSE_CONJUNCTIONS
    return opens or hesitation_form(c.token_at(k - 1)) is not None


LIKE = Phrase(
    name="like",
    spellings={("like",): "like"},
    rules=(
        Rule(
            "like.example-after-noun",
            "content",
            "like: introduces examples after a noun set off by a comma or a pause → content",
            (
                ("We wrote simple rules, like if the ticket mentions a refund.", "content"),
                ("We wrote down the primary metric, like, conversion rate.", "content"),
                ("Sometimes career stuff, like, how to push back on a request.", "content"),
                ("The simple claims / like / a cracked windscreen were waiting.", "content"),
            ),
            lambda c: (c.set_off_before or c.paused) and _gives_an_example(c),
        ),
        Rule(
            "like.set-off-by-commas",
            "filler",
            "like: set off by commas on both sides → filler",
            (
                ("I would, like, tune the threshold.", "filler"),
                ("Raw transactions, like, millions of rows per month.", "filler"),
                ("And I, like, always sanity check the results.", "filler"),
            ),
            lambda c: c.set_off_before and c.comma_after,
        ),
        Rule(
            "like.fraction-closes-clause",
            "filler",
            'like: before "a third," or another fraction that closes the clause → filler',
            (("Search results dropped, I like a third, and reviews fell.", "filler"),),
            _closes_with_a_fraction,
        ),
        Rule(
            "like.between-subject-and-verb",
            "filler",
            "like: between a subject and its verb, which the verb like cannot take → filler",
            (
                ("The data was thin, so we like wrote the analysis by hand.", "filler"),
                ("You like actually read the transcripts.", "filler"),
                ("And then we like break it up by region.", "filler"),
                ("A false positive means we like silenced someone.", "filler"),
            ),
            _subject_then_verb,
        ),
        Rule(
            "like.verb-or-comparison",
            "content",
            "like: after a subject, a verb of seeming or a comparison word, it is the verb or"
            " compares → content",
            (
                ("I like XGBoost for tabular data.", "content"),
                ("It looks like far less data.", "content"),
                ("I / like / boosting with small trees.", "content"),
            ),
            lambda c: c.before_past_hesitation in _LIKE_IS_A_VERB_OR_COMPARES_AFTER,
        ),
        Rule(
            "like.after-preposition",
            "filler",
            "like: between a preposition and its object → filler",
            (
                ("We got the capacity we asked for with like a monthly review.", "filler"),
                ("It went from like movies to shopping.", "filler"),
                ("Point seven five AUC wasn't worth like another day of compute.", "filler"),
                (
                    "They wanted a list every morning of like the twenty riskiest patients.",
                    "filler",
                ),
            ),
            lambda c: c.before_past_hesitation in _TAKES_AN_OBJECT or _of_not_kind_of(c),
        ),
        Rule(
            "like.what-is-wanted",
            "content",
            "like: after would or I'd, before what is wanted → content",
            (
                ("I'd like the model to give calibrated probabilities.", "content"),
                ("I'd / like / people to send small pull requests.", "content"),
            ),
            _wants,
        ),
        Rule(
            "like.set-off-by-pauses",
            "filler",
            "like: set off by pauses (or a pause and a comma) on both sides → filler",
            (("And I'd / like / keep a small slice.", "filler"),),
            lambda c: (c.set_off_before or c.paused) and (c.comma_after or c.paused_after),
        ),
        Rule(
            "like.wanting-a-bare-verb",
            "filler",
            "like: after would or I'd, before a verb without to → filler",
            (
                ("Next time I would like invest in a labelling tool.", "filler"),
                ("Um and I'd like keep a small slice for audits.", "filler"),
                ("So the front desk could like reach out before it happened.", "filler"),
            ),
            _wants_a_bare_verb,
        ),
        Rule(
            "like.wanting",
            "content",
            "like: after would, should or I'd, it says what is wanted → content",
            (("I'd like two of them.", "content"),),
            lambda c: c.before_past_hesitation in _WANTING,
        ),
        Rule(
            "like.modal-before-verb",
            "filler",
            "like: between a modal and a verb → filler",
            (("With the rules you can like audit every decision.", "filler"),),
            _modal_before_a_verb,
        ),
        Rule(
            "like.liked-after-modal",
            "content",
            "like: between a modal and an object, it is the verb → content",
            (("Users will like it once it is fast.", "content"),),
            lambda c: c.before_past_hesitation in MODALS and c.after in _OBJECTS,
        ),
        Rule(
            "like.before-bare-verb",
            "filler",
            "like: before a bare verb, which cannot be what is liked or compared → filler",
            (
                ("There isn't one right answer, and people like expect a single number.", "filler"),
                ("Monday the click through rate like fell off a cliff.", "filler"),
                ("Those false alarms like cost us users.", "filler"),
                ("For us the model like had eighty milliseconds.", "filler"),
                ("The server team like reimplemented them in Go.", "filler"),
            ),
            lambda c: _starts_a_verb_phrase(c, c.end + 1),
        ),
        Rule(
            "like.before-an-auxiliary-or-a-verbs-adverb",
            "filler",
            "like: before a negated auxiliary, or an adverb and its verb → filler",
            (
                ("It made synthetic points that like didn't look real.", "filler"),
                ("The approval rate like never recovered after the change.", "filler"),
                ("So a brand new product like just never gets shown.", "filler"),
            ),
            _before_an_auxiliary_or_a_verbs_adverb,
        ),
        Rule(
            "like.after-an-opening-adverb",
            "filler",
            "like: after a sentence adverb that opens its clause (honestly like) → filler",
            (
                ("Honestly like it's the cheapest sanity check we have.", "filler"),
                ("And honestly like the best reviews I've had were short.", "filler"),
            ),
            _after_an_opening_adverb,
        ),
        Rule(
            "like.approximates",
            "filler",
            'like: before an amount or a degree, it means "about" → filler',
            (
                ("We spent like three weeks on it.", "filler"),
                ("It took like a few hundred labels.", "filler"),
                ("The analysts complained, like constantly.", "filler"),
                ("The job took like high hours on a bad day.", "filler"),
                ("Nets need like hundreds of thousands of images.", "filler"),
            ),
            lambda c: _approximates(c.after, c.after2),
        ),
        Rule(
            "like.pads-an-object",
            "filler",
            "like: between a verb and its object, where a comparison cannot stand → filler",
            (
                ("Retraining. We had like a monthly cadence.", "filler"),
                ("So we needed like the top three factors for each decision.", "filler"),
                ("People write like a glowing paragraph and then give two stars.", "filler"),
            ),
            _pads_an_object,
        ),
        Rule(
            "like.hedges-after-past-be",
            "filler",
            "like: after was, were or would be, it hedges what happened → filler",
            (
                ("It was like a coin flip on the hard cases.", "filler"),
                ("Some meters were like reporting zeros for whole weeks.", "filler"),
                ("It would be like a small classifier that flags risky days.", "filler"),
            ),
            _after_past_or_hypothetical_be,
        ),
        Rule(
            "like.hedges-after-that-is",
            "filler",
            "like: after that's or which is, it hedges what was just said → filler",
            (
                ("Making people dig, and that's like a worse experience.", "filler"),
                ("So you get sparsity, which is like a free feature selection.", "filler"),
            ),
            _after_that_is,
        ),
        Rule(
            "like.compares-after-be",
            "content",
            "like: after a form of be, before a thing or an action it compares → content",
            (
                ("It's like a funnel.", "content"),
                ("It's like giving the underdog a lottery ticket.", "content"),
            ),
            _compares_after_be,
        ),
        Rule(
            "like.hedges-after-be",
            "filler",
            "like: after a form of be, before anything else → filler",
            (("The second version is like the real fix.", "filler"),),
            lambda c: c.before_past_hesitation in _COPULAS,
        ),
        Rule(
            "like.before-comma-or-after-conjunction",
            "filler",
            "like: before a comma, or after a conjunction or a hesitation → filler",
            (
                ("and like the recall dropped.", "filler"),
                ("The labels like, the ones from March, came late.", "filler"),
            ),
            lambda c: c.comma_after or _starts_a_clause(c.before_past_hesitation),
        ),
        Rule(
            "like.before-a-clause",
            "filler",
            "like: opens a sentence before its subject, or before because or a question → filler",
            (
                ("Late meant a day after the promised date. Like we argued about that.", "filler"),
                ("Freshness matters like because listings sell fast.", "filler"),
                ("First ask who uses the score like is it the retention team.", "filler"),
            ),
            # Mid-sentence "like they read a headline" compares ("as they read").
            lambda c: (
                (c.sentence_start and c.after in PERSONAL_SUBJECTS - {"you"})
                or c.after in _REASONS
                or _asks(c)
            ),
        ),
        Rule(
            "like.compares",
            "content",
            "like: otherwise it compares or gives examples → content",
            (
                ("We used tools like Spark and Flink.", "content"),
                ("We handed work over like a relay.", "content"),
            ),
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# you know

# "do you know the base rate", "unless you know every user saw it", "as you know the label…": a
# question, a condition or a time is about knowing something.
_ABOUT_KNOWING_AFTER = (
    DO_FORMS | CONDITIONALS | TIME_CONJUNCTIONS | {"as", "would", "might", "what"}
)
# "you know the label", "you know how", "You know you need one": "know" has an object.
_KNOWN = (
    SUBJECT_PRONOUNS
    | OBJECT_PRONOUNS
    | WH_WORDS
    | ARTICLES
    | DEMONSTRATIVES
    | POSSESSIVE_DETERMINERS
    | {"if", "about", "more"}
)
# "and you know they adapt", "but you know a warmup fixed it": after a conjunction that starts
# the clause, "you know" pads the clause's own subject. Not after "so" ("so you know it works"
# is "so that you know"); and "and you know I …" is left to the default.
_PADDING_CONJUNCTIONS = CLAUSE_CONJUNCTIONS - {"so", "or"}
_PADDED_SUBJECTS = (SUBJECT_PRONOUNS - {"i"}) | INDEFINITE_ARTICLES | {"that"}

# "dropped from you know about one in four", "within a few minutes of you know a bad call", "told
# us to you know wait": a preposition (or the "to" of a verb) takes an object or a verb, and
# "you" cannot open a clause of its own there. Left out: words that are also particles or
# conjunctions, after which a clause may start ("when a request came in you know the date",
# "after you know the label", "better than you know").
_NEEDS_ITS_OBJECT = (PREPOSITIONS - {"in", "on", "over", "after", "until", "than"}) | {"to"}
# A past "be" does not take a clause in the present: "the catch is you know the label only
# later" says what the catch is, but in "the tricky part was you know the giant components",
# "you know" cannot be that clause (it would say "you knew"). After a present "be" only an
# amount or an indefinite shows the same ("is you know a lot more machines").
_AMOUNT_OPENERS = INDEFINITE_ARTICLES | QUANTIFIERS | NUMBER_WORDS | {"about", "around", "only"}


# Adverbs that sit between "be" and its complement: "the optimum is usually you know a broad
# valley", "your training data is always you know a year stale".
_FREQUENCY_ADVERBS = frozenset({"always", "usually", "often", "sometimes", "still", "never"})


def _be_before(c: Context) -> str:
    """The word before the phrase, looking past a hesitation or a frequency adverb: where a form
    of "be" stands when one does."""
    return c.token_at(c.start - 2) if c.before in _FREQUENCY_ADVERBS else c.before_past_hesitation


def _after_be(c: Context) -> bool:
    """Whether "you know" follows a form of "be" where it cannot be a clause of its own."""
    be = _be_before(c)
    if be not in _COPULAS:
        return False
    return be in _PAST_BE or c.after in _AMOUNT_OPENERS


# Words that open an adverbial clause, after which the main clause and its subject come: "if
# analysts ask for more eventually you know the exact value", "when you design the levels you
# know the players".
_OPENS_A_SUBORDINATE = (
    CONDITIONALS
    | TIME_CONJUNCTIONS
    | {"where", "as", "because", "since", "before", "after", "while", "whereas"}
    | {"although", "though", "whenever", "unless"}
)
# A verb right after these is a relative clause's, inside a noun phrase that may open the
# sentence: "for a loan that's still active you know the label only later".
_RELATIVE_PRONOUNS = frozenset({"that", "which", "who", "that's", "which's", "who's"})
# Verbs after which "you" is the object and "know" the bare verb of a clause: "let you know".
_CAUSATIVES = frozenset({"let", "lets", "make", "makes", "made", "help", "helps", "helped"})


def _finite(token: str, before: str) -> bool:
    """Whether ``token`` reads as the verb of its clause: "we add capacity", "it was", "they
    passed", "we need" (a form that is also a noun counts only after a subject pronoun)."""
    if token in _COPULAS or token in MODALS or token in CONDITIONAL_MODALS or token in _HAVE:
        return True
    if token in SUBJECT_CONTRACTIONS or token in DO_FORMS:
        return True
    classes = word_classes(token)
    if "VERB" not in classes or token.endswith("ing"):
        return False
    return only_a_verb(token) or irregular_past(token) or before in SUBJECT_PRONOUNS


def _a_discourse_word(previous: str, token: str) -> bool:
    """The "mean" of "I mean", the "know" of "you know" and "like": no clause's verb."""
    return (previous, token) in (("i", "mean"), ("you", "know")) or token == "like"


# A conjunction opens the clause: "and you know the model", "and the labels you know the real
# ones" are left to the rules after.
_CLAUSE_STARTERS_BEFORE_YOU_KNOW = CLAUSE_CONJUNCTIONS | {"then", "now"}


def _inside_a_clause(c: Context) -> bool:
    """Whether "you know" stands inside a main clause that already has its verb, with no
    conjunction or break between: "for bias you add capacity you know more features", "they
    also got you know a deprecation window", "we also had you know the pandemic year". A new
    clause, whose subject "you" would be, needs a conjunction there; so "know" is not a verb
    with an object."""
    if c.sentence_start or c.set_off_before or c.paused or not c.before:
        return False
    # A verb that takes a clause, "be" among them, may have "you know …" as that clause: "which
    # means you know the cache", "the catch is you know the label only later".
    # "that" and the relatives open a clause whose subject "you" may be: "the lesson is that you
    # know a model works".
    blocked = _CAUSATIVES | _COPULAS | _RELATIVE_PRONOUNS
    if takes_a_clause(c.before) or c.before in blocked:
        return False
    # "The catch is usually you know the label only later": the same, past an adverb.
    if c.before in _FREQUENCY_ADVERBS and _be_before(c) in _COPULAS:
        return False
    # "I told them you know the answer": a verb, its object, then its clause.
    if c.before in OBJECT_PRONOUNS and takes_a_clause(c.token_at(c.start - 2)):
        return False
    has_verb = False
    for k in range(c.start - 1, -1, -1):
        token, previous = c.tokens[k], c.token_at(k - 1)
        # A subordinate clause before the main one ("if it helps them call the right leads
        # first you know the outcome"), or a conjunction that starts this one.
        # "After that I check the setup you know the split": with "that" or "then" as its
        # object, "after" is a preposition and opens no clause.
        preposition = c.token_at(k + 1) in DEMONSTRATIVES | {"then", "all"}
        opens = token in _OPENS_A_SUBORDINATE and not preposition
        if opens or token in _CLAUSE_STARTERS_BEFORE_YOU_KNOW:
            return False
        relative = token in _RELATIVE_PRONOUNS or previous in _RELATIVE_PRONOUNS
        discourse = _a_discourse_word(previous, token)
        has_verb = has_verb or (not (discourse or relative) and _finite(token, previous))
        if k == 0 or ends_clause(c.words[k - 1].text):
            break
    return has_verb


# What opens the clause "know" takes: "you know in advance that the rules will fire".
_KNOWN_CLAUSE_OPENERS = frozenset({"that", "whether", "what", "how", "why", "which"})


def _knows_past_a_phrase(c: Context) -> bool:
    """Whether "know" takes a clause after a short phrase of when or how: "so you know at a
    glance whether it helps", "You know in advance that the rules will fire". After "be" the
    clause is the complement of "be" instead ("what it trains on is you know by construction
    what it sees")."""
    if c.after not in PREPOSITIONS or c.before_past_hesitation in _COPULAS:
        return False
    for k in range(c.end + 2, c.end + 6):
        if c.token_at(k) in _KNOWN_CLAUSE_OPENERS:
            return True
        if not c.token_at(k) or ends_clause(c.text(k)):
            return False
    return False


def _so_that_you_know(c: Context) -> bool:
    """Whether "so you know" says a purpose, "so that you know" something: "tag every version
    so you know the exact data behind any estimate". "Know" has a noun phrase as its object and
    no verb of its own follows; in "biased by position so you know the top result gets clicks"
    the noun phrase is a clause's subject, and "you know" pads it."""
    if c.before != "so" or c.after not in DETERMINERS:
        return False
    for k in range(c.end + 2, c.end + 2 + _SUBJECT_WORDS):
        token = c.token_at(k)
        # The object's own relative clause ("the exact layer where it breaks") is no verb of
        # a clause after "know"; nor is anything past a break.
        if not token or token in _RELATIVE_PRONOUNS or token in WH_WORDS:
            return True
        if _finite(token, c.token_at(k - 1)) and not can_be_a_noun(token):
            return False
        if ends_clause(c.text(k)):
            return True
    return True


YOU_KNOW = Phrase(
    name="you-know",
    spellings={("you", "know"): "you know"},
    rules=(
        Rule(
            "you-know.after-a-preposition",
            "filler",
            "you know: after a preposition or to, where an object or a verb goes → filler",
            (
                ("Reroutes dropped from you know about one in four to one in ten.", "filler"),
                ("Scores within a few minutes of you know a bad support call.", "filler"),
                ("Support told us to you know wait.", "filler"),
            ),
            lambda c: c.before in _NEEDS_ITS_OBJECT,
        ),
        Rule(
            "you-know.about-knowing",
            "content",
            "you know: in a question, a condition or a time clause, it is about knowing → content",
            (
                ("Do you know the base rate?", "content"),
                (
                    "Unless you know every user saw the right model, the result means nothing.",
                    "content",
                ),
                ("As you know the label arrives a month later.", "content"),
            ),
            lambda c: (
                c.before in _ABOUT_KNOWING_AFTER and not (c.set_off_before and c.set_off_after)
            ),
        ),
        Rule(
            "you-know.set-off",
            "filler",
            "you know: followed by a comma or other punctuation → filler",
            (
                ("You know, the labels were noisy.", "filler"),
                ("It was slow, you know, in production.", "filler"),
                ("It broke, and when, you know, the load spiked, nobody was on call.", "filler"),
            ),
            lambda c: c.set_off_after,
        ),
        Rule(
            "you-know.knows-past-a-phrase",
            "content",
            "you know: a phrase of when or how, then the clause that is known → content",
            (
                (
                    "We score it against that baseline so you know at a glance whether it helps.",
                    "content",
                ),
                (
                    "It is a rule or a score. You know in advance that the rules will fire.",
                    "content",
                ),
            ),
            _knows_past_a_phrase,
        ),
        Rule(
            "you-know.no-object",
            "filler",
            'you know: nothing that "know" could have as its object follows → filler',
            (("So, um, the you know metric was off.", "filler"),),
            lambda c: c.after not in _KNOWN,
        ),
        Rule(
            "you-know.pads-the-subject",
            "filler",
            "you know: after and, but or because, before the clause's subject → filler",
            (
                ("We had a blocklist and you know a human review of the rest.", "filler"),
                ("They tell you because you know they want it fixed.", "filler"),
            ),
            lambda c: c.before in _PADDING_CONJUNCTIONS and c.after in _PADDED_SUBJECTS,
        ),
        Rule(
            "you-know.after-be",
            "filler",
            "you know: after was or were, or after is before an amount → filler",
            (
                ("The tricky part was you know the giant components.", "filler"),
                ("The product lead was you know a bit disappointed.", "filler"),
                ("Scoring every request is you know a lot more machines.", "filler"),
                ("The optimum is usually you know a broad valley.", "filler"),
            ),
            _after_be,
        ),
        Rule(
            "you-know.inside-a-clause",
            "filler",
            "you know: inside a clause that has its verb, with no conjunction before → filler",
            (
                ("For bias you add capacity you know more features.", "filler"),
                ("Schema checks would have caught it you know a simple range check.", "filler"),
                ("We also had you know the pandemic year.", "filler"),
            ),
            _inside_a_clause,
        ),
        Rule(
            "you-know.so-that-you-know",
            "content",
            'you know: after "so" before a noun phrase with no verb of its own → content',
            (
                ("Tag every version so you know the exact data behind any estimate.", "content"),
                ("Diff every layer so you know the exact layer where it breaks.", "content"),
            ),
            _so_that_you_know,
        ),
        Rule(
            "you-know.has-object",
            "content",
            'you know: "know" has an object → content',
            (
                ("You know the answer already.", "content"),
                ("You know you need one eventually.", "content"),
            ),
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# I mean

# "what I mean", "do I mean", "the rates which I mean": "mean" is the verb of the clause.
_MEANING_AFTER = DO_FORMS | {"what", "which", "that", "you"}
# After "I mean" these start a clause or a comment of their own: it pads what follows.
_PADDED_AFTER_MEAN = (
    PERSONAL_SUBJECTS
    | SUBJECT_CONTRACTIONS  # "they're biased by position"
    | {"there", "that's", "it's"}
    | COORDINATORS  # "some rules I mean or something simpler"
    | {"honestly", "basically", "like", "so", "yeah", "well", "okay", "sure", "really"}
    | {"if", "when", "in"}
    | {"better", "worse"}  # "I mean better, but…": a comparative, not a thing meant
    # "mean" takes a noun phrase or a clause: a preposition ("I mean for hotel pricing"), a
    # negation ("I mean nobody reads it") or a focusing adverb ("I mean just a dashboard") opens a
    # comment instead. "by" defines ("what I mean by drift"), "of" is part of a phrase.
    | (PREPOSITIONS - {"by", "of"})
    | {"not", "nobody", "nothing", "just", "actually", "once"}
)
_CLAUSE_STARTERS = CLAUSE_CONJUNCTIONS | {"then"}
# "I mean it, don't build one", "I mean it.": "it" is the object of "mean" when a clause ends
# after it or a word follows that cannot have "it" as its subject.
_MEANT = frozenset({"it", "that"})
_NOT_AFTER_IT = frozenset({"don't", "do", "never", "please", "and", "but", "so", "because"})
# "I mean that literally", "I mean it seriously": the adverb says how the object is meant.
_SINCERELY = frozenset({"literally", "seriously", "sincerely", "honestly"})
# "When I say judge, I mean a model": "mean" defines a word that was said.
_SAYING = frozenset({"say", "said", "says", "saying", "report", "reported"})
_SPEAKERS = frozenset({"i", "we", "you"})


def _ends_at(c: Context, k: int, stops: frozenset[str]) -> bool:
    """Whether a clause ends after word ``k``: punctuation, the end, or a word in ``stops``."""
    if k >= len(c.tokens):
        return False
    if k + 1 == len(c.tokens) or c.text(k).rstrip().endswith((",", ";", ":", ".", "?", "!")):
        return True
    return c.tokens[k + 1] in stops


# A verb that makes a clause finite: after "I mean" and a subject, it shows a clause follows.
_FINITE = (BE_FORMS - {"be", "been", "being"}) | DO_FORMS | MODALS | CONDITIONAL_MODALS | {
    "has", "had", "hasn't", "hadn't", "isn't", "wasn't", "aren't", "weren't", "doesn't",
    "wouldn't", "couldn't", "shouldn't",
}  # fmt: skip
# Words that open a clause of the object's own: "I mean the model that was retrained".
_RELATIVES = frozenset({"that", "which", "who", "whose", "where", "when"})
_SUBJECT_WORDS = 5  # "the default of one half is": a subject of up to this many words


# After these "I" cannot stand, as the object of a preposition, a verb or "is": "start with I
# mean a baseline", "to get I mean a few hundred", "the fix is I mean one definition". Words that
# also join clauses ("before I mean to", "than I meant") are left out.
_NO_SUBJECT_AFTER = (PREPOSITIONS - {"after", "until", "than", "by"}) | _COPULAS


def _in_an_objects_place(c: Context) -> bool:
    """Whether "I mean" stands where an object or a complement goes, so it is an aside."""
    if c.before in _NO_SUBJECT_AFTER:
        return True
    return only_a_verb(c.before) and not c.before.endswith("ing")


# Pronouns that can be the whole subject of a clause after "I mean": "I mean it worked".
_PRONOUN_SUBJECTS = frozenset({"it", "that", "this"})


def _tensed_verb(c: Context, k: int) -> bool:
    """Whether word ``k`` is a past or present verb right after a short subject, which makes it
    finite: "it worked", "that took", "the feature went", "the metric matters". The subject is a
    pronoun, or a determiner and a noun: longer runs hold reduced relatives ("the local one each
    hotel kept") and plurals that read as verbs ("the main inputs"). Not before a preposition
    unless the subject is a pronoun: "the model trained on March" describes the object."""
    token, first, middle = c.token_at(k), c.token_at(c.end + 1), c.token_at(c.end + 2)
    if "VERB" not in word_classes(token) or not (
        irregular_past(token) or token.endswith(("ed", "s"))
    ):
        return False
    if k == c.end + 2:
        return first in _PRONOUN_SUBJECTS
    # A word the lexicon does not know ("quantile") is a name or a term: a noun, when the verb
    # after it cannot be a plural ("the quantile comes", not "the beeswarm plots").
    noun = can_be_a_noun(middle) or (not word_classes(middle) and not can_be_a_noun(token))
    noun_subject = first in DETERMINERS and noun and not middle.endswith("ed")
    return k == c.end + 3 and noun_subject and c.token_at(k + 1) not in PREPOSITIONS


def _plural_subject_and_verb(c: Context) -> bool:
    """Whether a plural subject of one or two words without a determiner, then a verb in its
    plain present form, follows "I mean": "I mean features matter a lot", "I mean random splits
    leak the future", "I mean people forgive early". The verb agrees with the plural, so it is
    a clause, where what is meant would be a noun phrase ("I mean feature flags")."""
    for k in (c.end + 2, c.end + 3):
        subject, verb = c.token_at(k - 1), c.token_at(k)
        plural = subject == "people" or (subject.endswith("s") and can_be_a_noun(subject))
        if k == c.end + 3 and c.token_at(c.end + 1) in DETERMINERS:
            return False
        plain = "VERB" in word_classes(verb) and not verb.endswith(("s", "ed", "ing"))
        # "features like price" gives examples: "like" is no verb there.
        if plural and plain and not only_a_verb(subject) and not ends_clause(c.text(k - 1)):
            return verb != "like" and c.token_at(k + 1) not in PREPOSITIONS
        if ends_clause(c.text(k - 1)):
            return False
    return False


def _before_a_finite_clause(c: Context) -> bool:
    """Whether a clause with its own subject and finite verb follows "I mean" with no break:
    "I mean the default of one half is arbitrary", "I mean sometimes the model does fine",
    "I mean that skew was gone", "I mean it worked", "I mean the feature went stale"."""
    first = c.token_at(c.end + 1)
    # "that" opens the clause as its subject or determiner ("that was", "that skew was"); before
    # a determiner it introduces what is meant ("I mean that the model overfits").
    if first == "that" and c.token_at(c.end + 2) in DETERMINERS:
        return False
    # "I mean that literally": the adverb says how it is meant, as in rule i-mean.means-it.
    if first in _MEANT and c.token_at(c.end + 2) in _SINCERELY:
        return False
    for k in range(c.end + 1, c.end + 2 + _SUBJECT_WORDS):
        token = c.token_at(k)
        if not token or (token in _RELATIVES and k > c.end + 1):
            return False
        if k > c.end + 1 and (token in _FINITE or _tensed_verb(c, k)):
            return True
        if ends_clause(c.text(k)):
            return False
    return False


def _means_an_object(c: Context) -> bool:
    """Whether "I mean" has the word after it as its object: "I mean it.", "I mean that
    literally"."""
    k = c.end + 1
    if c.token_at(k) not in _MEANT:
        return False
    if _ends_at(c, k, _NOT_AFTER_IT):
        return True
    # The adverb must close the clause: in "I mean, that literally never happened" it does not.
    return c.token_at(k + 1) in _SINCERELY and _ends_at(c, k + 1, frozenset())


def _defines_a_word(c: Context) -> bool:
    """Whether "I mean" defines a term: "By drift I mean…", "When I say X, I mean…"."""
    words, tokens, i = c.words, c.tokens, c.start
    # "regularisation by capacity I mean": "by" and a term of one or two words, no comma between.
    for k in (i - 2, i - 3):
        if k >= 0 and tokens[k] == "by" and not any(ends_clause(w.text) for w in words[k:i]):
            return True
    for k in range(i - 1, max(-1, i - 9), -1):
        if ends_sentence(words[k].text):
            return False  # "I" opens a sentence: nothing before it belongs to this one
        # "When I say slices, I mean…" defines the speaker's word; "recruiters said the
        # applicants were I mean worse" reports someone else's.
        if tokens[k] in _SAYING and k > 0 and tokens[k - 1] in _SPEAKERS:
            return True
        if k == 0 or ends_sentence(words[k - 1].text):
            # "By drift, I mean…", "And by rare, I mean…": the sentence opens with the term.
            return tokens[k] == "by" or (tokens[k] in _CLAUSE_STARTERS and tokens[k + 1] == "by")
    return False


def _before_a_bare_verb(c: Context) -> bool:
    """Whether a verb phrase follows "I mean", which "mean" cannot take as its object (it takes
    "to" and a verb): a bare verb before an object or a preposition ("I mean load the artifact",
    "I mean train on three months"). Not "it" and a past verb ("I mean it got no faster"): the
    sets label that both ways."""
    verb, nxt = c.after, c.after2
    if "VERB" not in word_classes(verb) or verb.endswith(("s", "ed", "ing")):
        return False
    return (nxt in DETERMINERS or nxt in PREPOSITIONS or nxt in OBJECT_PRONOUNS) and not (
        ends_clause(c.text(c.end + 1))
    )


def _restates(c: Context) -> bool:
    """Whether "I mean" runs straight on from a word of its own sentence, with no conjunction
    or break between: "I" cannot open a clause there, so it corrects what was just said ("inside
    the pipeline I mean the scaler", "from F1 I mean precision and recall"). The content uses
    come earlier (defining a term, "what I mean") or open a sentence ("I mean the validation
    set, not the test set")."""
    # Past a hesitation, the word the phrase runs on from is the one before it: "and er I mean
    # the local one" follows "and", "set. hmm I mean the held-out set" opens its sentence.
    before = c.before_past_hesitation
    if not before or hesitation_form(before) or c.set_off_before:
        return False
    return before not in _JOINS_A_CLAUSE


def _is_the_verb_of_its_clause(c: Context) -> bool:
    """Whether "mean" is the verb of a clause that "what", "do" or a relative opens. After a
    relative, a subject or a comment that cannot be a relative clause's verb phrase shows "I mean"
    is an aside instead: "which I mean nobody outside the team reads", "which I mean for plant
    identification is fine"."""
    if c.before not in _MEANING_AFTER:
        return False
    return c.before not in _RELATIVES or c.after not in _PADDED_AFTER_MEAN


def _contrasts_what_is_meant(c: Context) -> bool:
    """Whether "I mean" names a thing and sets it against another with "not": "I mean the
    actual code not just the tests", "I mean a real exploration budget, not a tweak". Naming
    one thing against another is saying what is meant ("mean" has its object); a clause, with
    its verb, before the "not" ("I mean it's not perfect") is caught before this."""
    for k in range(c.end + 2, c.end + 2 + _SUBJECT_WORDS + 1):
        token = c.token_at(k)
        if not token or ends_sentence(c.text(k - 1)):
            return False
        if token == "not":
            return True
        if token in _FINITE or _finite(token, c.token_at(k - 1)):
            return False
    return False


def _names_a_topic(c: Context) -> bool:
    """Whether the sentence opens with "for" and a term of one or two words right before "I
    mean": "For drift I mean population stability", "For evaluation I mean the offline metric".
    Like "by drift I mean", it says what the word stands for. (A clause after it, "for the
    reranker I mean the features are standard", is caught before this.)"""
    for k in (c.start - 2, c.start - 3):
        opening = k == 0 or (k > 0 and ends_sentence(c.words[k - 1].text))
        if k >= 0 and c.tokens[k] == "for" and opening:
            return not any(ends_clause(w.text) for w in c.words[k : c.start])
    return False


def _aside_in_a_relative(c: Context) -> bool:
    """Whether "I mean" stands between a relative and that relative's verb, after a sentence
    that already has its own verb: "we shipped it on a Friday which I mean was the first
    mistake", "a logistic regression which I mean beat the rules". "Which" is the subject of
    the verb after, so "mean" has no object. In "the rates which I mean are the approval
    rates" no verb comes before: "which" is what is meant and "are" the sentence's verb."""
    if c.before not in ("which", "that"):
        return False
    verb = c.after
    if verb not in _FINITE and ("VERB" not in word_classes(verb) or verb.endswith("ing")):
        return False
    if verb in DETERMINERS or verb in _OBJECTS:
        return False
    for k in range(c.start - 2, -1, -1):
        token, previous = c.tokens[k], c.token_at(k - 1)
        if not _a_discourse_word(previous, token) and _finite(token, previous):
            return True
        if k == 0 or ends_sentence(c.words[k - 1].text):
            break
    return False


# Words after which "I mean" can be a clause of the sentence: "and I mean the real one".
_JOINS_A_CLAUSE = _CLAUSE_STARTERS | _MEANING_AFTER | {"if", "when", "where", "as", "now"}


# Adverbs that pick out the object "mean" goes on to name ("I mean exactly that").
_FOCUS_ADVERBS = frozenset(
    {"exactly", "precisely", "specifically", "literally", "particularly", "especially"}
)
# Adverbs and negations that cannot open the object of "mean": "I mean mostly on cost", "I mean
# maybe a hundred", "I mean not by the other".
_NOT_MEANT = frozenset(
    {"not", "no", "never", "maybe", "perhaps", "probably", "mostly", "usually", "sometimes",
     "often", "always", "really", "actually", "honestly", "roughly", "basically", "only",
     "just", "still", "even", "almost", "also"}
)  # fmt: skip


def _before_an_adverb(c: Context) -> bool:
    """ "I mean" straight before an adverb or a negation, which cannot be what is meant:
    "mean" takes a thing or a clause ("I mean the scaler"), so the adverb goes on with the
    speaker's own sentence. On the dev scripts 34 such were fillers and one content ("I mean
    exactly that", a focus adverb before the object)."""
    after = c.after
    if after in _FOCUS_ADVERBS or c.set_off_after:
        return False
    return after in _NOT_MEANT or (
        after.endswith("ly") and word_classes(after) == frozenset({"ADV"})
    )


I_MEAN = Phrase(
    name="i-mean",
    spellings={("i", "mean"): "i mean"},
    rules=(
        Rule(
            "i-mean.defines-a-term",
            "content",
            'I mean: defines a term ("by drift I mean", "when I say X, I mean") → content',
            (
                ("By drift I mean a change in the inputs.", "content"),
                ("When I say slices, I mean segments.", "content"),
                ("When I report error I mean the weighted error across items.", "content"),
                ("And by rare, I mean, under a hundred examples.", "content"),
                ("We split by patient I mean the grouping key.", "content"),
            ),
            _defines_a_word,
        ),
        Rule(
            "i-mean.means-it",
            "content",
            'I mean: "I mean it", "I mean that literally" → content',
            (
                ("I mean it. Nobody reads the docs.", "content"),
                ("I mean it, the outer folds never saw a tuning decision.", "content"),
                ("She met them, and I mean that literally.", "content"),
            ),
            _means_an_object,
        ),
        Rule(
            "i-mean.set-off",
            "filler",
            "I mean: set off by punctuation on both sides → filler",
            (
                ("I mean, we shipped it anyway.", "filler"),
                ("Not just different approval rates, which, I mean, can have reasons.", "filler"),
            ),
            lambda c: c.set_off_before and c.set_off_after,
        ),
        Rule(
            "i-mean.in-an-objects-place",
            "filler",
            'I mean: where an object goes ("start with I mean a baseline") → filler',
            (
                ("I'd start with I mean a really simple baseline.", "filler"),
                ("The main fix is I mean one shared feature definition.", "filler"),
                ("The second test gave I mean about two point one.", "filler"),
            ),
            _in_an_objects_place,
        ),
        Rule(
            "i-mean.aside-in-a-relative",
            "filler",
            "I mean: between which or that and its verb, after a clause with a verb → filler",
            (
                ("We pushed it on a Friday which I mean was the first mistake.", "filler"),
                ("We trained a logistic regression which I mean beat the rules easily.", "filler"),
            ),
            _aside_in_a_relative,
        ),
        Rule(
            "i-mean.what-i-mean",
            "content",
            'I mean: "what I mean", "do I mean", "which I mean": the verb of its clause → content',
            (
                ("That is what I mean.", "content"),
                ("The rates which I mean are the approval rates.", "content"),
                ("Which model do I mean here?", "content"),
            ),
            _is_the_verb_of_its_clause,
        ),
        Rule(
            "i-mean.punctuation-after",
            "filler",
            "I mean: followed by punctuation, or by nothing → filler",
            (("So I mean, we shipped it.", "filler"),),
            lambda c: c.set_off_after or not c.after,
        ),
        Rule(
            "i-mean.before-a-clause",
            "filler",
            "I mean: before a clause or a comment of its own (we, there, honestly, …) → filler",
            (
                ("So I mean we shipped it anyway.", "filler"),
                ("Clicks are noisy I mean they're biased by position.", "filler"),
                ("We kept some rules I mean or something simpler.", "filler"),
                ("A point of AUC I mean is that even outside the noise?", "filler"),
                ("That got us to seventy percent. I mean better, but storage was next.", "filler"),
                ("It is cheap to run. I mean for hotel pricing that is enough.", "filler"),
                ("The cuts were easy. I mean nobody needed real time.", "filler"),
                ("Start with a baseline. I mean just predicting the mean.", "filler"),
            ),
            lambda c: (
                c.after in _PADDED_AFTER_MEAN
                or c.after in _FINITE
                or hesitation_form(c.after) is not None
            ),
        ),
        Rule(
            "i-mean.after-conjunction",
            "filler",
            "I mean: after a conjunction, unless a noun phrase follows → filler",
            (
                ("Because I mean half the noise came from one vendor.", "filler"),
                ("And I mean most of the labels came late.", "filler"),
            ),
            lambda c: c.before in _CLAUSE_STARTERS and c.after not in DETERMINERS,
        ),
        Rule(
            "i-mean.before-its-own-clause",
            "filler",
            "I mean: before a subject and its verb (the default … is) → filler",
            (
                ("I mean the default of one half is arbitrary.", "filler"),
                ("I mean sometimes the model does fine on it.", "filler"),
                ("Nulls became zero. I mean that was the whole bug.", "filler"),
                ("It was slow to run. I mean it needed answers in a second.", "filler"),
                ("Seconds became milliseconds. I mean the feature went stale.", "filler"),
                ("Budget is where the wins are. I mean features matter a lot too.", "filler"),
            ),
            lambda c: _before_a_finite_clause(c) or _plural_subject_and_verb(c),
        ),
        Rule(
            "i-mean.before-a-verb",
            "filler",
            'I mean: before a bare verb and its object ("I mean load the artifact") → filler',
            (
                ("Test the inference path. I mean load the artifact and feed it.", "filler"),
                ("I mean train on three months and test on the next.", "filler"),
            ),
            _before_a_bare_verb,
        ),
        Rule(
            "i-mean.before-an-adverb",
            "filler",
            'I mean: before an adverb or "not" ("I mean mostly on cost", "I mean maybe a'
            ' hundred"), which "mean" cannot take as its object → filler',
            (
                ("Which I argued against, I mean mostly on cost.", "filler"),
                ("Latency is tight, I mean maybe a hundred milliseconds.", "filler"),
                ("The join was wrong, I mean mostly in the old rows.", "filler"),
            ),
            _before_an_adverb,
        ),
        Rule(
            "i-mean.contrasts-what-is-meant",
            "content",
            'I mean: a thing set against another with "not" ("I mean X not Y") → content',
            (
                (
                    "We checked the metric code and I mean the actual code not just the tests.",
                    "content",
                ),
                (
                    "Need a boost for a while. I mean a real exploration budget not a tweak.",
                    "content",
                ),
                ("I mean the validation set, not the test set.", "content"),
            ),
            _contrasts_what_is_meant,
        ),
        Rule(
            "i-mean.names-a-topic",
            "content",
            'I mean: after a sentence that opens "for" and a term ("for drift I mean") → content',
            (
                ("For drift I mean population stability on the main inputs.", "content"),
                ("For evaluation I mean the offline metric we used.", "content"),
            ),
            _names_a_topic,
        ),
        Rule(
            "i-mean.restates",
            "filler",
            "I mean: run on from a word of its sentence, no conjunction between → filler",
            (
                ("It goes inside the pipeline I mean the scaler and the encoder.", "filler"),
                ("We moved away from F1 I mean precision and recall.", "filler"),
            ),
            _restates,
        ),
        Rule(
            "i-mean.before-an-indefinite",
            "filler",
            'I mean: before "a", "an" or "some" (an elaboration, not the thing meant) → filler',
            (
                ("We watch proxies. I mean a drop in listening hours.", "filler"),
                ("Then the labels. I mean a lot of the time the label is wrong.", "filler"),
                ("Then the vendors. I mean some of the vendors.", "filler"),
            ),
            # Correcting what was meant names it ("I mean the validation set"); an indefinite
            # phrase describes or gives an instance. On the dev scripts, sentence-initial
            # "I mean a/an" was labelled a filler 7 times and content once, "I mean the" the
            # other way round (8 against 25).
            lambda c: c.after in INDEFINITE_ARTICLES or c.after == "some",
        ),
        Rule(
            "i-mean.has-object",
            "content",
            'I mean: "mean" has an object ("I mean the validation set") → content',
            (
                ("On the full validation set. And I mean the real one.", "content"),
                ("I mean the validation set, which was leaking.", "content"),
                ("I mean the model that was retrained.", "content"),
            ),
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# kind of, sort of, kinda, sorta

# Before "kind of", these make it name a type: "this kind of model", "what sort of data".
_TYPE_DETERMINERS = (
    DEMONSTRATIVES
    | ARTICLES
    | {"what", "which", "whatever", "whichever", "no"}
    | {"some", "any", "every", "each"}
    | {"one", "same", "different", "other", "another"}
)
# After these, "kind of" may hedge a verb ("that kind of kills the sale", "which sort of
# helped"): they stand alone as subjects, where "a", "the" or "what" need the noun.
_KIND_SUBJECTS = frozenset({"that", "which", "this"})
# "the first kind of", "a new sort of": with an adjective between, a determiner still picks a
# type ("the simplest sort of check": superlatives too).
_TYPE_ADJECTIVES = frozenset(
    [
        "first", "second", "third", "fourth", "last", "next", "same", "other", "different",
        "new", "right", "wrong", "only", "main", "worst", "best", "whole", "particular",
        "specific", "certain", "usual", "typical", "classic", "common", "rare", "nasty",
        "subtle", "obvious", "simple", "hard", "easy",
    ]
)  # fmt: skip
# "a kind of curved relationship", "a sort of two tower model": after a determiner, "kind of"
# still hedges when an adjective or a number follows, where the content use needs a noun.
_ADJECTIVE_ENDINGS = ("ed", "ive", "ous", "ful", "less", "able", "ible", "ish")
_HEDGED_ADJECTIVES = frozenset(
    [
        "big", "small", "good", "bad", "hard", "easy", "new", "old", "long", "short", "high",
        "low", "random", "weird", "slow", "fast", "similar", "obvious", "messy", "noisy", "tricky",
        "odd", "strange", "rough", "fuzzy", "hacky", "clunky", "fragile", "brittle",
    ]
)  # fmt: skip


def _hedged(token: str, after: str) -> bool:
    """Whether ``token`` reads as an adjective or a number, which "a kind of" can hedge."""
    if token in _NUMBERS or token in _HEDGED_ADJECTIVES or _is_a_number(token):
        return True
    # By its ending alone, a word is an adjective only with a noun to describe: "the kind of
    # fixed that works" is "fix" misheard.
    describes = after not in DETERMINERS and after not in ("which", "who")
    return len(token) > 4 and token.endswith(_ADJECTIVE_ENDINGS) and describes


# "that sort of just kills it": an adverb that goes with a verb, not a type's noun.
_VERB_ADVERBS = frozenset({"just", "quietly", "slowly", "actually", "never", "always", "also"})


def _acts(token: str, after: str) -> bool:
    """Whether ``token`` reads as a verb after "that kind of": "gave us", "closed the gap"."""
    # "That sort of did more than any loss function": a form of "do" is no type's noun.
    if token in DO_FORMS:
        return True
    classes = word_classes(token)
    if "VERB" not in classes or "AUX" in classes or token.endswith("ing"):
        return False
    has_object = after in DETERMINERS or after in _OBJECTS
    if can_be_a_noun(token):
        # "that kind of search saved us" names a type; "that kind of kills the sale" has the -s
        # of a verb and an object, and so has "which sort of kills diversity", where the word
        # after cannot be a verb ("that kind of queries needs" names a type).
        noun_object = can_be_a_noun(after) and "VERB" not in word_classes(after)
        return token.endswith("s") and (has_object or noun_object)
    return classes == {"VERB"} or has_object


def _type_after_an_adjective(c: Context) -> bool:
    described = c.before in _TYPE_ADJECTIVES or superlative(c.before)
    return c.before2 in DETERMINERS and described and not c.set_off_before


def _article_and_adjective(c: Context) -> bool:
    """ "a different kind of", "a quieter kind of": an adjective that is no noun ("a model kind
    of needs" hedges) between "a" and "kind of". Not ``_type_after_an_adjective``: after "a" the
    type holds whatever follows ("a different kind of curved line"), where after "the" or "that"
    an adjective after "kind of" is hedged first."""
    classes = word_classes(c.before)
    return c.before2 in INDEFINITE_ARTICLES and "ADJ" in classes and "NOUN" not in classes


KIND_OF = Phrase(
    name="kind-of",
    spellings={
        ("kind", "of"): "kind of",
        ("sort", "of"): "sort of",
        ("kinda",): "kind of",
        ("sorta",): "sort of",
    },
    rules=(
        Rule(
            "kind-of.nothing-after",
            "content",
            "kind of: nothing follows it in the transcript → content",
            (("That was the kind of", "content"),),
            lambda c: not c.after,
        ),
        Rule(
            "kind-of.set-off",
            "filler",
            "kind of: set off by commas or pauses on both sides → filler",
            (
                ("It's a rollback plan, which, kind of, sounds boring.", "filler"),
                ("It's a rollback plan, which / kind of / sounds boring.", "filler"),
                ("It was, kinda, fine.", "filler"),
            ),
            lambda c: (c.set_off_before or c.paused) and (c.set_off_after or c.paused_after),
        ),
        Rule(
            "kind-of.hedges-a-verb",
            "filler",
            "kind of: after that, which or this, before a verb → filler",
            (
                ("The message disappears, and that kind of kills the sale.", "filler"),
                ("We cropped the sky instead, which kind of gave us the best results.", "filler"),
                ("A bad join is a thing that sort of just quietly kills your metric.", "filler"),
                ("The same chairs everywhere, which sort of kills diversity.", "filler"),
                ("Pictures for those pairs. That sort of did more than any loss.", "filler"),
                ("And they told us that sort of in week one.", "filler"),
            ),
            # A type needs its noun; a preposition after it ("told us that sort of in week
            # one") shows "kind of" hedges.
            lambda c: (
                c.before in _KIND_SUBJECTS
                and (
                    _acts(c.after, c.after2)
                    or c.after in _VERB_ADVERBS
                    or c.after in PREPOSITIONS - {"of"}
                )
            ),
        ),
        Rule(
            "kind-of.after-an-article",
            "content",
            'kind of: after "a" or "an", or "a" and an adjective, it names a type, an adjective'
            ' after it or not ("a kind of shared library": 51 of the 57 on the dev labels; "a'
            ' different kind of fault") → content',
            (
                ("We ended up with a kind of shared library.", "content"),
                ("It is a sort of hidden coupling between the teams.", "content"),
                ("That is a kind of leakage.", "content"),
                ("Everything else is a quieter kind of leakage.", "content"),
            ),
            lambda c: (
                not c.set_off_before
                and (c.before in INDEFINITE_ARTICLES or _article_and_adjective(c))
            ),
        ),
        Rule(
            "kind-of.hedges-an-adjective",
            "filler",
            "kind of: before an adjective or a number → filler",
            (
                ("The relationship looked kind of curved.", "filler"),
                ("We tried sort of two tower models.", "filler"),
                ("It was kind of slow.", "filler"),
            ),
            lambda c: _hedged(c.after, c.after2),
        ),
        Rule(
            "kind-of.names-a-type",
            "content",
            "kind of: after this, what, a, the, … it names a type → content",
            (
                ("This kind of model overfits.", "content"),
                ("What sort of data do we have?", "content"),
                ("That kind of search saved us a week.", "content"),
                ("What kinda model did you use?", "content"),
                ("A holdout group with no kind of intervention at all.", "content"),
                ("Try whichever kind of regularization is cheapest.", "content"),
            ),
            lambda c: c.before in _TYPE_DETERMINERS,
        ),
        Rule(
            "kind-of.type-after-adjective",
            "content",
            'kind of: after a determiner and an adjective ("the first kind of") → content',
            (
                ("The first kind of fix is resampling.", "content"),
                ("We added the simplest sort of consistency check.", "content"),
            ),
            _type_after_an_adjective,
        ),
        Rule(
            "kind-of.hedges",
            "filler",
            "kind of: otherwise it hedges what follows → filler",
            (
                ("The model kind of sees the future.", "filler"),
                ("We sorta rebuilt it.", "filler"),
            ),
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# basically

BASICALLY = Phrase(
    name="basically",
    spellings={("basically",): "basically"},
    rules=(
        Rule(
            "basically.always",
            "filler",
            "basically: a sentence adverb that adds nothing to what it frames → filler",
            (
                ("Basically, the model memorised the data.", "filler"),
                ("We basically retrained.", "filler"),
            ),
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# literally

# "quite literally", "too literally": degree words only modify the literal sense.
_LITERAL_DEGREE = frozenset({"quite", "rather", "too", "so", "very", "more", "less", "not"})
_SAME = frozenset({"same", "identical"})
# "those were literally mislabelled", "the labels were literally wrong": after a form of "be",
# "literally" before a participle or an adjective of state says the state is real (content).
_STATE_WORDS = frozenset(
    [
        "wrong", "right", "true", "false", "identical", "empty", "zero", "broken", "done",
        "gone", "lost", "stuck", "frozen", "hidden", "written", "shown", "given", "taken",
        "known", "built", "missing", "invisible", "impossible", "unusable", "useless",
    ]
)  # fmt: skip
_STATE_ENDINGS = ("ed", "able", "ible", "less")
# "take it literally", "read that literally": verbs of taking something in a sense.
_READING = frozenset(
    ["take", "takes", "took", "taken", "taking", "read", "reads", "reading", "interpret", "meant"]
)
# "took literally forever", "took us literally two days": a time measured, not a reading.
_TIMES = TIME_SPANS | INDEFINITE_ARTICLES | {"forever", "ages", "all", "every"}
_CLAUSE_GOES_ON = frozenset({"is", "was", "and", "so", "but", "too", "either", "because"})
# Words right before "literally" that show no object stands between it and a verb of reading.
_NOT_AN_OBJECT = _READING | _OBJECTS | _COPULAS


def _the_same(c: Context) -> bool:
    """ "literally the same code", "was literally the escalation flag": it really was that.
    A superlative after "the" is an exaggeration ("literally the longest week")."""
    exaggerates = c.after2 in ("most", "best", "worst") or superlative(c.after2)
    return c.after in _SAME or (c.after == "the" and not exaggerates)


def _describes_state(token: str) -> bool:
    """Whether ``token`` reads as a participle or an adjective of state ("mislabelled")."""
    return token in _STATE_WORDS or (len(token) > 4 and token.endswith(_STATE_ENDINGS))


def _read_as(c: Context) -> bool:
    """Whether an object, or a verb of reading up to four words before, comes in its clause."""
    if c.before in _OBJECTS:
        return True
    for k in range(c.start - 1, max(-1, c.start - 5), -1):
        # "…biased toward obvious takes. We were literally": that verb's clause is over.
        if ends_clause(c.words[k].text):
            return False
        if c.tokens[k] in _READING:
            return True
    return False


def _read_in_a_going_clause(c: Context) -> bool:
    """ "take the style rules literally either", "one rule I take literally is": after a verb of
    reading and its object, or right after the verb with the clause going on. "It took us
    literally two days" and "took literally forever" measure a time instead."""
    if not _read_as(c) or c.set_off_before or c.after in _TIMES or c.after in _NUMBERS:
        return False
    return c.before not in _NOT_AN_OBJECT or c.after in _CLAUSE_GOES_ON


LITERALLY = Phrase(
    name="literally",
    spellings={("literally",): "literally"},
    rules=(
        Rule(
            "literally.after-a-degree-word",
            "content",
            'literally: after "quite", "too", "not", … it keeps its literal sense → content',
            (("I mean that quite literally.", "content"),),
            lambda c: c.before in _LITERAL_DEGREE,
        ),
        Rule(
            "literally.the-same",
            "content",
            'literally: "literally the same", "literally the flag": it really was → content',
            (
                ("They use literally the same code.", "content"),
                ("One of the top features was literally the escalation flag.", "content"),
            ),
            _the_same,
        ),
        Rule(
            "literally.before-negated-modal",
            "content",
            'literally: before "cannot", "can\'t", … it says it really cannot → content',
            (("An underpowered test literally cannot detect the effect.", "content"),),
            lambda c: c.after in NEGATED_MODALS and not c.set_off_before,
        ),
        Rule(
            "literally.closes-a-clause",
            "content",
            "literally: ends the sentence without a comma before it → content",
            (("They take it literally.", "content"),),
            lambda c: (not c.after or c.ends_sentence) and not c.set_off_before,
        ),
        Rule(
            "literally.describes-a-state",
            "content",
            "literally: after a form of be, before a word of state ('wrong', 'mislabelled')"
            " → content",
            (
                ("A third of those were literally mislabelled.", "content"),
                ("The vendor labels were literally wrong on one item in eight.", "content"),
            ),
            lambda c: (
                c.before in _COPULAS
                and not (c.set_off_before or c.comma_after or c.paused)
                and _describes_state(c.after)
            ),
        ),
        Rule(
            "literally.how-it-is-read",
            "content",
            "literally: how something is read ('take it literally, so') → content",
            (
                ("They take it literally, so we added a note.", "content"),
                ("Some took it literally as a verdict on their writing.", "content"),
                ("If you take the system prompt literally, it says never reveal data.", "content"),
            ),
            lambda c: (c.comma_after or c.after == "as") and not c.set_off_before and _read_as(c),
        ),
        Rule(
            "literally.how-it-is-read-on",
            "content",
            "literally: after a verb of reading, with its clause going on → content",
            (
                ("I don't take the style rules literally either.", "content"),
                (
                    "And one rule I take literally is that every interviewer writes feedback.",
                    "content",
                ),
            ),
            _read_in_a_going_clause,
        ),
        Rule(
            "literally.exaggerates",
            "filler",
            "literally: otherwise it only adds emphasis → filler",
            (
                ("The tree literally memorises the data.", "filler"),
                ("It took us literally two days.", "filler"),
                ("The estimate was / literally wrong.", "filler"),
            ),
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Hesitations and the user's own fillers: always fillers, no context needed.

HESITATION = Rule(
    "hesitation",
    "filler",
    "um, uh, er, hmm, ah in any spelling: a hesitation → filler",
    (("So, um, the model.", "filler"), ("Ummm, the model.", "filler")),
)
CUSTOM = Rule(
    "custom",
    "filler",
    "one of your own fillers (extra_fillers in settings.toml) → filler",
    (),
)

PHRASES: tuple[Phrase, ...] = (LIKE, YOU_KNOW, I_MEAN, KIND_OF, BASICALLY, LITERALLY)


def _fitted(phrase: Phrase, verdict: Verdict) -> Rule:
    said = next(iter(phrase.spellings.values()))
    return Rule(
        f"{phrase.name}.fitted-{verdict}",
        verdict,
        f"{said}: where it sits in its clause outweighs the rule table → {verdict}",
        (),
    )


# What ``filler_model``'s fitted decision answers when it overrules a phrase's table.
FITTED: Mapping[tuple[str, Verdict], Rule] = {
    (phrase.name, verdict): _fitted(phrase, verdict)
    for phrase in PHRASES
    for verdict in ("filler", "content")
}
RULES: Mapping[str, Rule] = {
    rule.name: rule
    for rule in (
        HESITATION,
        CUSTOM,
        *(r for phrase in PHRASES for r in phrase.rules),
        *FITTED.values(),
    )
}
"""Every rule by its name."""
