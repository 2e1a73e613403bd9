"""Hedges: words that soften a claim ("I think the fix is", "maybe", "probably", "just").

Counted apart from fillers. A filler pads ("um", "you know", "kind of" set off by commas); a
hedge makes a claim weaker than the speaker means it. Each hedge phrase has an ordered table of
named rules, read like the filler rules (``filler_rules``): the first whose condition holds on
the candidate's ``Context`` decides, the last is the default, and every rule carries examples
that tests/test_hedges.py checks it decides.

"kind of" and "sort of" are judged by the filler rules' own table (``filler_rules.KIND_OF``),
which tells naming a type ("this kind of model") from the other uses. Set off by commas or
pauses ("it was, kind of, fine") they pad, and stay fillers; softening a word ("kind of
arbitrary", "trees sort of work") they are hedges, and the report counts them here, not as
fillers (``SOFTENING_FILLER_RULES``). A word is never both: ``find_hedges`` skips the filler
words it is given, and the report drops from its fillers the "kind of"s counted as hedges.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from rehearse.language.filler_context import Condition, Context, build_context
from rehearse.language.filler_rules import KIND_OF
from rehearse.language.restart_model import inflected_verb
from rehearse.text.lexicon import (
    ARTICLES,
    BE_CONTRACTIONS,
    BE_FORMS,
    CARDINALS,
    DEMONSTRATIVES,
    DETERMINERS,
    FRACTIONS,
    INDEFINITE_ARTICLES,
    LARGE_NUMBERS,
    NUMBER_WORDS,
    PREPOSITIONS,
    QUANTIFIERS,
    TIME_UNITS,
)
from rehearse.text.words import Word

HedgeVerdict = Literal["hedge", "content"]
HedgeExample = tuple[str, HedgeVerdict]


@dataclass(frozen=True)
class HedgeRule:
    """One way a hedge candidate is judged; ``when`` is ``None`` for a table's default."""

    name: str
    verdict: HedgeVerdict
    description: str
    examples: tuple[HedgeExample, ...]
    when: Condition | None = None

    def holds(self, context: Context) -> bool:
        return self.when is None or self.when(context)


@dataclass(frozen=True)
class HedgePhrase:
    name: str
    spellings: Mapping[tuple[str, ...], str]
    rules: tuple[HedgeRule, ...]

    def decide(self, context: Context) -> HedgeRule:
        return next(rule for rule in self.rules if rule.holds(context))


@dataclass(frozen=True, slots=True)
class Hedge:
    """One hedge said; ``text`` is its normalised form ("i think", "maybe")."""

    text: str
    start: float
    end: float
    word_indices: tuple[int, ...]
    rule: str


_COPULAS = BE_FORMS | BE_CONTRACTIONS

# ---------------------------------------------------------------------------------------------
# I think, I guess, I believe, I suppose, I feel like, I'd say: a belief put before a claim.

# "I think about", "I think of", "I think through": thinking is what the sentence is about.
_THINKING_ABOUT = frozenset({"about", "of", "through", "hard", "carefully", "deeply", "aloud"})


def _about_thinking(c: Context) -> bool:
    """ "I think about the user", "I think in terms of cost": how the speaker thinks is what the
    sentence says, not a belief put before a claim."""
    if c.after in {"about", "around"} and _a_number(c.after2):
        return False  # "I think about ninety percent": a figure guessed, not a topic
    return c.after in _THINKING_ABOUT or (c.after, c.after2) == ("in", "terms")


def _belief_is_the_topic(c: Context) -> bool:
    """ "what I think", "how I think", "the way I think": the belief is itself the content."""
    return c.before in {"what", "how", "way", "do", "did", "does"}


I_THINK = HedgePhrase(
    "i-think",
    {
        ("i", "think"): "i think",
        ("i", "believe"): "i believe",
        ("i", "suppose"): "i suppose",
        ("i", "guess"): "i guess",
        ("i", "feel", "like"): "i feel like",
        ("i'd", "say"): "i'd say",
        ("i", "would", "say"): "i'd say",
        ("i'd", "guess"): "i'd guess",
        ("i", "would", "guess"): "i'd guess",
        ("i", "suspect"): "i suspect",
        ("i", "reckon"): "i reckon",
        ("i", "want", "to", "say"): "i want to say",
    },
    (
        HedgeRule(
            "i-think.about-thinking",
            "content",
            'I think: "I think about", "I think of", "I think through" → content',
            (
                ("When I design a metric I think about the user first.", "content"),
                ("I think of drift as two problems.", "content"),
                ("These days I think in terms of cost per user.", "content"),
            ),
            _about_thinking,
        ),
        HedgeRule(
            "i-think.the-belief-is-the-topic",
            "content",
            'I think: "what I think", "how I think", "the way I think" → content',
            (
                ("What I think matters is the label.", "content"),
                ("That changed how I think when I review a design.", "content"),
            ),
            _belief_is_the_topic,
        ),
        HedgeRule(
            "i-think.before-a-claim",
            "hedge",
            "I think: put before or after a claim → hedge",
            (
                ("I think the fix is a better label.", "hedge"),
                ("The fix, I guess, was the label.", "hedge"),
                ("I feel like the model was fine.", "hedge"),
                ("I'd guess half the traffic is bots.", "hedge"),
                ("I think about ninety percent of it was my code.", "hedge"),
                ("I suspect that gets you most of the way.", "hedge"),
                ("Each audit took, I want to say, forty minutes.", "hedge"),
            ),
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# maybe, perhaps, probably, possibly


def _a_noun_maybe(c: Context) -> bool:
    """ "a maybe", "the maybes": the word used as a noun."""
    return c.before in ARTICLES


# Verbs that report a word said, written or given as an answer: "the model said maybe", "the vet
# wrote maybe as the diagnosis". Forms that are also plural nouns ("labels", "outputs") are left
# out: "relevance labels, maybe a few thousand" hedges.
_REPORTS_A_WORD = frozenset(
    {
        "say", "says", "said", "saying", "write", "writes", "wrote", "written", "answered",
        "marked", "returned", "labelled", "labeled",
    }
)  # fmt: skip


def _maybe_as_an_answer(c: Context) -> bool:
    """ "the model said maybe", "yes, no and maybe": "maybe" is the answer given, a word
    reported, not the speaker's doubt."""
    return c.token == "maybe" and (
        c.before in _REPORTS_A_WORD or "yes" in (c.before, c.before2) or c.before2 == "no"
    )


MAYBE = HedgePhrase(
    "maybe",
    {
        ("maybe",): "maybe",
        ("perhaps",): "perhaps",
        ("probably",): "probably",
        ("possibly",): "possibly",
    },
    (
        HedgeRule(
            "maybe.a-noun",
            "content",
            'maybe: used as a noun ("a maybe") → content',
            (("The label was a maybe for a third of the rows.", "content"),),
            _a_noun_maybe,
        ),
        HedgeRule(
            "maybe.an-answer",
            "content",
            'maybe: the answer given, after "said", "wrote" or beside "yes" and "no" ("the model'
            ' said maybe for a third of the rows") → content',
            (
                ("The model said maybe for a third of the rows.", "content"),
                ("It outputs yes, no and maybe.", "content"),
            ),
            _maybe_as_an_answer,
        ),
        HedgeRule(
            "maybe.softens",
            "hedge",
            "maybe: softens the claim around it → hedge",
            (
                ("Maybe the model was overfitting.", "hedge"),
                ("It was probably the join.", "hedge"),
                ("It cut latency to maybe twelve milliseconds.", "hedge"),
            ),
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# just

# "just before", "just after", "just as", "just in time": exactly, a time or a manner.
_JUST_MEANS_EXACTLY = frozenset(
    {"before", "after", "as", "like", "in", "now", "enough", "right", "what"}
)


# "just a few", "just a dozen": an article and a word that makes it an amount. ("a third" is
# left out: "just a third option" is an ordinal.)
_COUNTS = frozenset({"few", "couple", "dozen", "handful"})
# "just the last two weeks", "just the top ten", "for just the first day", "just the most
# popular": a stretch or a rank picked out.
_STRETCHES = frozenset({"last", "first", "past", "next", "top", "most", "least"})
# "just once a week": how often, said to be few.
_TIMES = frozenset({"once", "twice"})
# "just a millisecond", "just a day", "just half a percent": a unit of time or share, or half of
# one, said to be small.
_UNITS = TIME_UNITS | {"millisecond", "percent"}
# "with just the photos", "on just those logs", "just that fold": a part picked out, "only";
# after "is" the same words belittle ("the baseline was just the historical rate").
_PICKS_OUT = DEMONSTRATIVES | {"the"}


def _a_number(token: str) -> bool:
    return token in CARDINALS or token in NUMBER_WORDS or token[:1].isdigit()


def _only_an_amount(c: Context) -> bool:
    """ "kept just one feature", "just a few", "just a dozen features", "with just the last two
    weeks", "for just the first day", "just once a week", "on just those logs": "only", limiting
    an amount or picking out a part. After
    "is" it belittles a quantity ("it's just a few lines"), but a count stays a count: "the fix
    was just one line" (8 of the 10 labelled in dev read it so)."""
    amount = (
        _a_number(c.after)
        or c.after in QUANTIFIERS
        or c.after in _TIMES
        or c.after == "half"
        or (c.after in INDEFINITE_ARTICLES and (c.after2 in _COUNTS or c.after2 in _UNITS))
        or c.after in _PICKS_OUT
    )
    return amount and (c.before not in _COPULAS or _a_number(c.after))


JUST = HedgePhrase(
    "just",
    {("just",): "just"},
    (
        HedgeRule(
            "just.not-just",
            "content",
            'just: "not just" (not only) → content',
            (("It is not just accuracy that matters.", "content"),),
            lambda c: c.before == "not",
        ),
        HedgeRule(
            "just.exactly",
            "content",
            'just: "just before", "just as", "just in time" (exactly) → content',
            (
                ("We retrained just before the holiday peak.", "content"),
                ("The new model was just as fast.", "content"),
                ("It failed just like the old one.", "content"),
                ("The dashboard told them just what they knew.", "content"),
            ),
            lambda c: c.after in _JUST_MEANS_EXACTLY,
        ),
        HedgeRule(
            "just.only-an-amount",
            "content",
            'just: before an amount ("just one feature", "just a few", "just the last two") →'
            " content",
            (
                ("We kept just one feature.", "content"),
                ("We only had just a few hundred labels.", "content"),
                ("A logistic regression with just a dozen features won.", "content"),
                ("We used a time-based split, with just the last two weeks held out.", "content"),
                ("New listings get a boost for just the first day.", "content"),
                ("We retrain on just those logs.", "content"),
                ("The model serves in just a millisecond.", "content"),
                ("Revenue went up just half a percent.", "content"),
                ("We score the list just once a week.", "content"),
                ("The fix was just one line.", "content"),
            ),
            _only_an_amount,
        ),
        HedgeRule(
            "just.recently",
            "content",
            'just: after "who", "that", "which" and before a verb in the past ("a customer who'
            ' just renewed", "items that just arrived"): a moment ago, a time, not a softening'
            ' ("a rule that just works" keeps its present verb and is judged below) → content',
            (
                ("A customer who just renewed looks loyal.", "content"),
                ("New products that just arrived have no clicks.", "content"),
            ),
            lambda c: (
                c.before in {"who", "that", "which"}
                and inflected_verb(c.after)
                and not c.after.endswith("s")
                # "a baseline that just used the buyer's history": a verb and its object, minimised.
                and c.after2 not in DETERMINERS
            ),
        ),
        HedgeRule(
            "just.merely-because",
            "content",
            'just: "just because" (a reason said not to be enough: "don\'t retrain just because'
            ' a metric moved") → content',
            (("Don't retrain just because a drift metric moved.", "content"),),
            lambda c: c.after == "because",
        ),
        HedgeRule(
            "just.minimises",
            "hedge",
            "just: makes the claim or the work sound smaller → hedge",
            (
                ("We just added a feature.", "hedge"),
                ("It was just a small fix.", "hedge"),
                ("The baseline was just the historical rate.", "hedge"),
                ("It's just a few lines of code.", "hedge"),
                ("We picked a rule that just works.", "hedge"),
                ("We had a baseline that just used the last price.", "hedge"),
            ),
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# a little bit, a bit, a little, somewhat, fairly, pretty, more or less


def _an_amount_of(c: Context) -> bool:
    """ "a bit of data", "a little bit of time": an amount of a thing, not a softener."""
    return c.after == "of"


A_BIT = HedgePhrase(
    "a-bit",
    {
        ("a", "little", "bit"): "a little bit",
        ("a", "bit"): "a bit",
        ("somewhat",): "somewhat",
        ("more", "or", "less"): "more or less",
    },
    (
        HedgeRule(
            "a-bit.amount-of",
            "content",
            'a bit: "a bit of" something, an amount → content',
            (("We needed a little bit of labelled data.", "content"),),
            _an_amount_of,
        ),
        HedgeRule(
            "a-bit.softens",
            "hedge",
            "a bit: softens a word or claim → hedge",
            (
                ("The model was a little bit slower.", "hedge"),
                ("It was somewhat better.", "hedge"),
            ),
        ),
    ),
)

# "pretty good", "fairly sure": an adverb before an adjective; "a pretty chart" is content.
PRETTY = HedgePhrase(
    "pretty",
    {("pretty", "much"): "pretty much", ("pretty",): "pretty", ("fairly",): "fairly"},
    (
        HedgeRule(
            "pretty.adjective",
            "content",
            'pretty: after an article or before a noun ("a pretty chart") → content',
            (("We made a pretty dashboard.", "content"),),
            # "that pretty much rules it out": "much" is no noun, so "pretty" is no adjective.
            lambda c: (c.before in DETERMINERS or c.before in PREPOSITIONS) and c.end == c.start,
        ),
        HedgeRule(
            "pretty.at-the-end",
            "content",
            "pretty: nothing follows it → content",
            (("The dashboard was pretty.", "content"),),
            lambda c: not c.after or c.ends_sentence,
        ),
        HedgeRule(
            "pretty.softens",
            "hedge",
            'pretty: before an adjective or adverb ("pretty good", "pretty much broken") → hedge',
            (
                ("The recall was pretty good.", "hedge"),
                ("It was fine on average and pretty much broken on one segment.", "hedge"),
                ("Regulators want full explanations, and that pretty much rules it out.", "hedge"),
            ),
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# roughly, approximately, something like, somewhere around: a figure said as a guess. The
# coaching writers leave a bare "around"/"about" before a figure unlabelled ("dropped by around
# nine percent"), so those stay content; these four they mark as hedges.

# "something like a third", "something like a few hundred": an article that opens an amount.
_AMOUNT_AFTER_AN_ARTICLE = _COUNTS | FRACTIONS | LARGE_NUMBERS


def _an_amount_follows(c: Context) -> bool:
    """A figure after the phrase: "ten percent", "a third", "half the rows", "a few hundred"."""
    return (
        _a_number(c.after)
        or (c.after == "point" and _a_number(c.after2))  # "point nine seven"
        or c.after in FRACTIONS | QUANTIFIERS
        or (c.after in INDEFINITE_ARTICLES and c.after2 in _AMOUNT_AFTER_AN_ARTICLE)
    )


ROUGHLY = HedgePhrase(
    "roughly",
    {
        ("roughly",): "roughly",
        ("approximately",): "approximately",
        ("something", "like", "that"): "something like that",
        ("something", "like"): "something like",
        ("somewhere", "around"): "somewhere around",
        ("let's", "say"): "let's say",
        ("let", "us", "say"): "let's say",
        ("give", "or", "take"): "give or take",
    },
    (
        HedgeRule(
            "roughly.vague-tail",
            "hedge",
            "something like that: closing a clause, it makes what came before a rough guess"
            ' ("train on June, test on August, something like that") → hedge',
            (("Train on June, test on August, something like that.", "hedge"),),
            lambda c: (
                c.token == "something"
                and c.end - c.start == 2
                and (not c.after or c.set_off_after or c.ends_sentence)
            ),
        ),
        HedgeRule(
            "roughly.a-supposition",
            "content",
            "let's say: before a case to suppose rather than a figure (\"let's say we have a"
            ' model") → content',
            (("Let's say we have a model that scores users.", "content"),),
            lambda c: c.token in {"let's", "let"} and not _an_amount_follows(c),
        ),
        HedgeRule(
            "roughly.at-the-end",
            "content",
            'roughly: nothing follows it ("we sketched it roughly") → content',
            (("We sketched the design roughly.", "content"),),
            lambda c: c.token in {"roughly", "approximately"} and (not c.after or c.ends_sentence),
        ),
        HedgeRule(
            "roughly.a-likeness",
            "content",
            'something like, somewhere around: not before a figure ("used something like it",'
            ' "something like, did they cancel") → content',
            (
                ("The stores already used something like it.", "content"),
                ("I'd define churn with a window, so something like, did they cancel.", "content"),
                ("A rule or something like a lookup table would do.", "content"),
                ("The bug was somewhere around the join.", "content"),
                ("We had something like that model in production.", "content"),
            ),
            lambda c: c.token in {"something", "somewhere"} and not _an_amount_follows(c),
        ),
        HedgeRule(
            "roughly.a-guess",
            "hedge",
            'roughly, something like: a figure given as a guess ("roughly two years", "something'
            ' like ten percent") → hedge',
            (
                ("The data came from the order system, roughly two years of orders.", "hedge"),
                ("The business case said something like ten percent less spoilage.", "hedge"),
                ("Late shipments dropped by somewhere around fifteen percent.", "hedge"),
                ("It cut latency by approximately a third.", "hedge"),
                ("Churn is a cancel within, let us say, sixty days.", "hedge"),
                ("It had four hundred fields, give or take.", "hedge"),
                ("The AUC was something like point nine seven.", "hedge"),
            ),
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# kind of, sort of: the filler table decides the use; softening is a hedge, padding a filler.

# The filler rules whose "kind of" softens what follows rather than padding the sentence.
SOFTENING_FILLER_RULES = frozenset(
    {"kind-of.hedges-a-verb", "kind-of.hedges-an-adjective", "kind-of.hedges"}
)


def _softens(c: Context) -> bool:
    return KIND_OF.decide(c).name in SOFTENING_FILLER_RULES


KIND_OF_HEDGE = HedgePhrase(
    "kind-of",
    dict(KIND_OF.spellings),
    (
        HedgeRule(
            "kind-of.softens",
            "hedge",
            'kind of: softens a word or claim ("kind of arbitrary", "trees sort of work") → hedge',
            (
                ("The default threshold is kind of arbitrary.", "hedge"),
                ("On tabular data trees sort of work out of the box.", "hedge"),
            ),
            _softens,
        ),
        HedgeRule(
            "kind-of.not-softening",
            "content",
            "kind of: names a type, or pads (a filler then) → content",
            (
                ("That kind of noise mattered.", "content"),
                ("It was, kind of, fine.", "content"),
            ),
        ),
    ),
)

# "might": a modal of possibility; "with all its might" is the noun.
MIGHT = HedgePhrase(
    "might",
    {("might",): "might"},
    (
        HedgeRule(
            "might.a-noun",
            "content",
            'might: after "all", "its", "with" (strength) → content',
            (("They pushed with all their might.", "content"),),
            lambda c: c.before in {"all", "its", "their", "his", "her", "our", "with"},
        ),
        HedgeRule(
            "might.someone-elses",
            "content",
            'might: after "who", "which" or "what" ("users who might churn", "the question was'
            ' who might leave"): a possibility asked about or described, not a claim softened'
            " → content",
            (
                ("We scored the users who might churn next month.", "content"),
                ("The question was never who might leave, it was who we could keep.", "content"),
            ),
            lambda c: c.before in {"who", "which", "what"},
        ),
        HedgeRule(
            "might.softens",
            "hedge",
            'might: "it might be worth millions" → hedge',
            (("A two point gain might be worth millions.", "hedge"),),
        ),
    ),
)

PHRASES: tuple[HedgePhrase, ...] = (
    I_THINK, MAYBE, JUST, A_BIT, PRETTY, ROUGHLY, KIND_OF_HEDGE, MIGHT
)  # fmt: skip
RULES: Mapping[str, HedgeRule] = {r.name: r for p in PHRASES for r in p.rules}


@dataclass(frozen=True, slots=True)
class HedgeDecision:
    """How one candidate was judged, with the rule that decided it."""

    text: str
    start: float
    end: float
    word_indices: tuple[int, ...]
    verdict: HedgeVerdict
    rule: str


def explain_hedges(
    words: Sequence[Word], skip: Collection[int] = (), paused: Collection[int] = ()
) -> list[HedgeDecision]:
    """Every hedge candidate in ``words`` with its verdict; words in ``skip`` (fillers) are
    never candidates."""
    tokens = [w.norm for w in words]
    decisions: list[HedgeDecision] = []
    i = 0
    while i < len(words):
        found = _decide_at(words, tokens, i, skip, paused)
        if found is None:
            i += 1
            continue
        decisions.append(found)
        i += len(found.word_indices)
    return decisions


def find_hedges(
    words: Sequence[Word], skip: Collection[int] = (), paused: Collection[int] = ()
) -> list[Hedge]:
    """The hedges in ``words``, in order (see ``explain_hedges``)."""
    return [
        Hedge(d.text, d.start, d.end, d.word_indices, d.rule)
        for d in explain_hedges(words, skip, paused)
        if d.verdict == "hedge"
    ]


def _decide_at(
    words: Sequence[Word],
    tokens: list[str],
    i: int,
    skip: Collection[int],
    paused: Collection[int],
) -> HedgeDecision | None:
    for phrase in PHRASES:
        for spelling, text in phrase.spellings.items():
            n = len(spelling)
            if tuple(tokens[i : i + n]) != spelling or any(k in skip for k in range(i, i + n)):
                continue
            rule = phrase.decide(build_context(words, tokens, i, n, paused))
            indices = tuple(range(i, i + n))
            end = words[i + n - 1].end
            return HedgeDecision(text, words[i].start, end, indices, rule.verdict, rule.name)
    return None
