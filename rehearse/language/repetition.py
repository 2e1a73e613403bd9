"""Repetition: words said twice in a row, sentences restarted, and words said too often.

Pure functions over ``Word`` lists. Two kinds are found where the words run:

- a **repeat** is a word said again at once ("the the", "we, we"), or two words said again
  inside a sentence with no break ("the same the same listings");
- a **restart** is a phrase begun and begun again: a sentence's opening of two words said again
  ("we trained, we trained the model", "if the, if the answer is"), two words broken off by a
  comma and said again ("it turned, it turned out"), any phrase of three words or
  more said again word for word ("in practice we, in practice we"), or one begun, left and begun
  again differently ("if you shuffle, if you randomly shuffle", "then the, then I look at the").

A restart is told from two sentences that start alike ("we trained the encoder, we trained the
ranker") by what the first go left behind: it stops on a word no phrase ends on ("we caught a,
we once caught a"), or the second go says the whole first go again with words put in, or the two
share a long opening. A restart that swaps a word of a finished phrase ("the first model had the
first version had") is found by lining the goes up word by word (a shared opening, then a word
or two changed) and by the break between them: two clauses that open alike are set apart by a
comma, a sentence end or a sentence-long silence in the word times; a restart runs straight on.
Run straight on, a first go sharing only its opening word is a restart when its shape shows it
was cut short: a subject that cannot be an object ("we", "I") and a verb with nothing after it
("we ran we replayed"; a verb that takes a clause, "we knew we had", leads into the second); a
clause opener and a start ("so the first so before anything"); goes that open and end alike
with a word swapped ("the system has two the architecture has two"), unless the first go's end
takes the second as its complement ("the problem was the data arrived late"); a word cut off and
said whole ("the big the biggest").
Those shapes stopped generalising (held-out recall 0.69, 0.49, 0.57 over three rounds), so what
they leave as content is weighed by a fitted decision (``restart_model``) over the words'
classes at the break, the first go's completeness and how much the second go says again; it
also judges first goes whose second go opens on another word of the same class ("I built we
built"). Grammar that could take the next phrase as a complement or object ("the baseline was
the same weekday", "the team owned the app", "the fact that the") gated those out until round 7;
now the softer of it (a form of "be", a preposition, a verb and a noun phrase) is lifted, and
weighed by the decision (``_gate``), when a parser's signs of a fresh start are there: the second
go opens a clause of its own and says a content word of the first again ("the model learns the
model relearns", "it wasn't mature it was too immature"), or follows a noun phrase alone.
A first go broken off by a comma sets two clauses apart for those shapes, and the hand-written
shapes of such breaks ("first I'd, the first step is") stalled at about 0.6 held-out recall; so
since round 18 a clause's opening broken off by a comma is weighed by a second decision fitted
on those breaks alone (``_broken_at``; the same features, its own weights), after every rule.
Each candidate is judged by an ordered table of named rules, like the filler rules: the first
whose condition holds decides, the last is the default, and each rule's examples are checked
by tests/test_repetition.py. Hesitations between the goes are looked past.

``overused`` finds the content words said far more often than an answer of that length explains.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rehearse.language.filler_context import ends_sentence
from rehearse.language.filler_rules import KIND_OF
from rehearse.language.hedges import I_THINK
from rehearse.language.restart_model import (
    Break,
    RestartModel,
    an_adverb,
    can_be_a_verb,
    common_words,
    echoes,
    inflected_verb,
    near_form,
    opens_a_clause,
    packaged_broken_model,
    packaged_model,
    switch_class,
    word_class,
)
from rehearse.text.lexicon import (
    ARTICLES,
    BE_FORMS,
    CLAUSE_CONJUNCTIONS,
    CONDITIONAL_MODALS,
    CONDITIONALS,
    COORDINATORS,
    DETERMINERS,
    DO_FORMS,
    MODALS,
    NUMBER_WORDS,
    OBJECT_PRONOUNS,
    PERSONAL_SUBJECTS,
    POSSESSIVE_DETERMINERS,
    PREPOSITIONS,
    QUANTIFIERS,
    SUBJECT_CONTRACTIONS,
    SUBJECT_PRONOUNS,
    TIME_CONJUNCTIONS,
    WH_WORDS,
    WOULD_CONTRACTIONS,
    can_be_a_noun,
    takes_a_clause,
)
from rehearse.text.words import Word, hesitation_form

RepetitionKind = Literal["repeat", "restart"]
RepetitionVerdict = Literal["repeat", "restart", "content"]
# The longest phrase looked for when it is said again word for word.
MAX_PHRASE_WORDS = 5
# The longest first go of a restart ("on my last team we had, on my last team we ran").
MAX_FIRST_GO_WORDS = 6
# How many words past the first go's length the second go may run to say it again.
SECOND_GO_SLACK = 2
# A first go that is neither said again whole nor opens like the second must be this short.
SHORT_FIRST_GO_WORDS = 3
# Said again word for word, this many words or more is a restart rather than a repeat.
RESTART_MIN_WORDS = 3
# ... and this many when they open a sentence: the "we trained, we trained the model" is
# a sentence begun again. Dev labels of two words said twice: at a sentence's opening 6 restart
# and 2 repeat by the writers after k40 (k01-k40's writer: 10 repeat); inside a sentence 26
# repeat, 2 restart. One word said twice: 475 repeat, none restart.
OPENING_RESTART_WORDS = 2
# A shared opening this long makes a restart whatever comes after it.
LONG_OPENING_WORDS = 4
# The longest first go the fitted decision weighs ("for the model I would, for a first version
# I would": five; the decision reads the length, ``long_first_go``).
JUDGED_MAX_WORDS = 6
# A restart that swaps words after the shared opening changes at most this many of them.
MAX_SWAPPED_WORDS = 2
# ... after an opening of at least this many words, contractions said in full ("I'm careful,
# I'm wary" shares "I am"); one shared word is too little to line the goes up on.
SWAP_MIN_OPENING = 2
# A silence this long between the goes (word times) ends a sentence: no restart across it.
SENTENCE_BREAK_SECONDS = 0.3

# How contractions are said in full, so "I would check, I'd first check" lines up.
_CONTRACTIONS = {
    "i'd": ("i", "would"), "i'm": ("i", "am"), "i've": ("i", "have"), "i'll": ("i", "will"),
    "we'd": ("we", "would"), "we're": ("we", "are"), "we've": ("we", "have"),
    "we'll": ("we", "will"), "you'd": ("you", "would"), "you're": ("you", "are"),
    "you've": ("you", "have"), "they're": ("they", "are"), "they'd": ("they", "would"),
    "it's": ("it", "is"), "that's": ("that", "is"), "there's": ("there", "is"),
    "what's": ("what", "is"), "here's": ("here", "is"), "let's": ("let", "us"),
}  # fmt: skip

# Quantifiers that stand alone as a pronoun or an adverb and so can end a phrase ("we recorded
# more, we augmented more", "of all").
_STAND_ALONE = frozenset({"more", "most", "all", "much", "many", "few", "some", "any"})
# A phrase cannot stop on these: a first go that does was broken off ("we built a, we built").
# Conjunctions are left out: "and" before the second go joins two clauses that say alike.
_CANNOT_END_A_PHRASE = (
    (
        ARTICLES
        | DETERMINERS
        | POSSESSIVE_DETERMINERS
        | PREPOSITIONS
        | SUBJECT_PRONOUNS
        | SUBJECT_CONTRACTIONS
        | frozenset(_CONTRACTIONS)
        | MODALS
        | CONDITIONAL_MODALS
        | BE_FORMS
        | DO_FORMS
        | QUANTIFIERS
        | {"to", "not", "very", "really", "than", "other", "the"}
    )
    - {"that", "this", "these", "those"}
    - _STAND_ALONE
)
# Stopping on these leaves a phrase plainly unfinished, so sharing only the opening word is
# enough ("those come from, those are computed in"; "we had to, we corrected").
_PLAINLY_UNFINISHED = ARTICLES | POSSESSIVE_DETERMINERS | PREPOSITIONS | {"to"}
# ... when that opening word is a subject or opens a clause; "the results of the model", "was
# part of was" go on. ("and" is left out: "and the model and the data" goes on.)
_SUBJECTS = SUBJECT_PRONOUNS | {"those", "these", "this", "that", "there"}
_CLAUSE_OPENERS = _SUBJECTS | {"then", "if", "once", "when", "so"}
# Words that take a noun phrase after them ("a miss against the cost of a false alarm").
_TAKES_AN_OBJECT = PREPOSITIONS | {"against", "versus", "vs", "without", "between", "toward"}
# A restart that opens on one of these needs a longer shared opening ("the same model at the
# same time" is not one).
_WEAK_OPENINGS = ARTICLES | POSSESSIVE_DETERMINERS
# A subject that cannot be an object ("we", not "it" or "you": "it makes it harder"): said
# again at once after a verb, it opens a new clause, so the first one was cut short.
_NOMINATIVE = PERSONAL_SUBJECTS - {"you"}
# What may stand between that subject and the verb it was cut short on ("we also, we compared").
_BEFORE_A_VERB = (
    MODALS
    | CONDITIONAL_MODALS
    | DO_FORMS
    | BE_FORMS
    | {"have", "has", "had", "also", "then", "first", "just", "only", "really", "actually",
       "never", "always", "still", "even", "finally", "ended", "up"}
)  # fmt: skip
# A word that opens an object or another phrase: a first go holding one went on past its verb.
_OPENS_A_PHRASE = (
    DETERMINERS
    | QUANTIFIERS
    | PREPOSITIONS
    | OBJECT_PRONOUNS
    | NUMBER_WORDS
    | CLAUSE_CONJUNCTIONS
    | CONDITIONALS
    | TIME_CONJUNCTIONS
    | WH_WORDS
    | {"to", "not", "than", "as", "that", "there", "here"}
)
# Words after which the next phrase is their complement, not a restart ("we retrain when we
# see drift when", "the problem was the data arrived late").
_TAKES_A_COMPLEMENT = (
    _OPENS_A_PHRASE - NUMBER_WORDS - OBJECT_PRONOUNS | BE_FORMS | frozenset(_CONTRACTIONS)
)
# Words that open a clause and need one after them: said again before the clause came, the
# first one was abandoned ("so the first, so before anything"; "when we when the team").
_CLAUSE_INTRODUCERS = (CONDITIONALS | TIME_CONJUNCTIONS | {"so", "then", "because"}) - {
    "whether",
    "until",
}
# ... a first go after one of them must have begun a clause or a noun phrase ("so much so").
_BEGINS_A_CLAUSE = (
    PERSONAL_SUBJECTS | SUBJECT_CONTRACTIONS | DETERMINERS | PREPOSITIONS | {"it", "there"}
)
# A cut-off word is at least this long before it is said whole ("the big the biggest").
CUT_OFF_MIN_LETTERS = 3


@dataclass(frozen=True, slots=True)
class Candidate:
    """A phrase said and said again: ``first`` and ``second`` are the two goes' word indices.

    ``exact`` when the second go says the first word for word; otherwise ``second`` is the
    stretch after the first go in which its words were looked for. ``switched`` when the second
    go opens on another word of the opening word's class ("I built we built"): only ``model``,
    the fitted restart decision, judges those. ``abandoned`` when the first go is a clause left on
    an article with nothing after it ("in production the, once it was live"; see
    ``_abandoned_at``). ``corrected`` when a comma and a word that takes back what was said
    ("actually", "sorry", "so") stand between the goes (see ``_corrected_at``). ``cut`` when a
    comma breaks the first go off on a word that needs more and a fresh start follows (see
    ``_cut_at_a_comma``). ``echoed`` when a noun phrase broken off by a comma is said again with
    its determiner added, dropped or swapped (see ``_echoed_at``). ``broken`` when the first go
    is a clause's opening broken off by a comma, for ``model`` (the broken-off decision) to
    weigh (see ``_broken_at``).
    """

    words: tuple[Word, ...]
    tokens: tuple[str, ...]
    first: tuple[int, ...]
    second: tuple[int, ...]
    exact: bool
    switched: bool = False
    model: RestartModel | None = None
    abandoned: bool = False
    corrected: bool = False
    cut: bool = False
    echoed: bool = False
    broken: bool = False

    @property
    def as_break(self) -> Break:
        second = tuple(self.tokens[i] for i in self.second)
        return Break(
            self.phrase, second, self.before, self.at_clause_start, _gate(self), self.an_item
        )

    @property
    def an_item(self) -> bool:
        """The second go closes as a list's next item would: on a comma, a semicolon, "and" or
        "or", or the sentence's end, within a word of the first go's length ("teams got
        renamed, teams got merged, teams got split"); a restart's second go runs on."""
        size = len(self.first)
        for m, i in enumerate(range(self.second[0], len(self.words))):
            if m > size + 1:
                return False
            if m > 0 and self.tokens[i] in {"and", "or"}:
                return True
            text = self.words[i].text.rstrip()
            if text.endswith((",", ";")):
                return True
            if ends_sentence(text):
                return m >= size - 1
        return False

    @property
    def phrase(self) -> tuple[str, ...]:
        return tuple(self.tokens[i] for i in self.first)

    @property
    def before(self) -> str:
        """The word before the first go, within its sentence ("" at a sentence start)."""
        i = self.first[0]
        if i == 0 or ends_sentence(self.words[i - 1].text):
            return ""
        return self.tokens[i - 1]

    @property
    def written_break(self) -> bool:
        """A comma, a dash or a sentence end written where the first go stops."""
        return self.words[self.first[-1]].text.rstrip().endswith((",", "-", "—", ".", "?", "!"))

    @property
    def broken_off(self) -> bool:
        """``written_break``, unless it is a comma the words show to be inside a stumble
        (``_comma_in_a_stumble``)."""
        return self.written_break and not _comma_in_a_stumble(self)

    @property
    def ends_sentence(self) -> bool:
        return ends_sentence(self.words[self.first[-1]].text)

    @property
    def at_clause_start(self) -> bool:
        """The first go opens a sentence or a clause (after a comma or a conjunction)."""
        i = self.first[0]
        return (
            self.before == ""
            or self.before in CLAUSE_CONJUNCTIONS
            or self.words[i - 1].text.rstrip().endswith((",", ";", ":"))
        )

    @property
    def gap(self) -> float:
        """The seconds between the first go's last word and the second go's first (or, when a
        correction stands between them, the word after the first go)."""
        after = self.first[-1] + 1 if self.corrected else self.second[0]
        return self.words[after].start - self.words[self.first[-1]].end

    @property
    def left_on(self) -> str:
        return self.tokens[self.first[-1]]

    @property
    def runs_on(self) -> bool:
        """The first go holds a comma, a sentence end or a sentence-long silence before its last
        word: it went on into another clause, so it was not left unfinished."""
        return any(
            self.words[i].text.rstrip().endswith((",", ";", ":", ".", "?", "!"))
            or self.words[j].start - self.words[i].end >= SENTENCE_BREAK_SECONDS
            for i, j in zip(self.first, self.first[1:], strict=False)
        )

    @property
    def shared(self) -> int:
        """How many of the first go's words (contractions said in full) the second go says, in
        order."""
        second = _spelled_out(self.tokens[i] for i in self.second)
        return common_words(_spelled_out(self.phrase), second)

    @property
    def near_shared(self) -> int:
        """``shared``, looking only one word past the first go's length into the second."""
        first_go = _spelled_out(self.phrase)
        second = _spelled_out(self.tokens[i] for i in self.second)[: len(first_go) + 1]
        return common_words(first_go, second)

    @property
    def opening(self) -> int:
        """How many words the two goes open with alike."""
        n = 0
        for a, b in zip(self.first, self.second, strict=False):
            if self.tokens[a] != self.tokens[b]:
                break
            n += 1
        return n


def _spelled_out(tokens: Iterable[str]) -> list[str]:
    out: list[str] = []
    for t in tokens:
        out += _CONTRACTIONS.get(t, (t,))
    return out


RepetitionCondition = Callable[[Candidate], bool]


@dataclass(frozen=True)
class RepetitionRule:
    name: str
    verdict: RepetitionVerdict
    description: str
    examples: tuple[tuple[str, RepetitionVerdict], ...]
    when: RepetitionCondition | None = None

    def holds(self, candidate: Candidate) -> bool:
        return self.when is None or self.when(candidate)


@dataclass(frozen=True, slots=True)
class Repetition:
    """One repeat or restart; ``text`` is the first go, ``start``-``end`` spans both goes."""

    kind: RepetitionKind
    text: str
    start: float
    end: float
    word_indices: tuple[int, ...]  # the first go: the words to cut
    rule: str


# "much much bigger", "far far better": doubled before a comparative for emphasis.
_EMPHATIC = frozenset({"much", "far", "way"})
# "very, very rare", "really really hard": an intensifier doubled for emphasis before anything (no
# dev writer labelled either a repeat; eight answers by four writers left them as content).
_INTENSIFIERS = frozenset({"very", "really"})


def _a_number(token: str) -> bool:
    return token in NUMBER_WORDS or token[:1].isdigit()


# "a fifty fifty split": the even split, said as a doubled number.
_EVEN_SPLIT = frozenset({"fifty", "50"})


def _number_said_twice(c: Candidate) -> bool:
    """A number doubled inside a string of digits ("zero point nine nine", "four two two") or
    the even split ("a 50 50 split"); a number doubled on its own ("fifty fifty rows") is not."""
    if not (c.exact and len(c.first) == 1 and _a_number(c.phrase[0])):
        return False
    if c.words[c.second[0]].text.lstrip().startswith("."):
        return True  # "5 .5 %": a recogniser's decimal written apart, one number
    even_split = c.phrase[0] in _EVEN_SPLIT and c.before in ARTICLES
    return even_split or _a_number(c.before) or c.before in {"point", "oh", "dot"}


def _across_sentences(c: Candidate) -> bool:
    """ "…than the model. The model is": the first go ends a sentence, the second starts one."""
    return c.exact and c.ends_sentence


def _emphasis(c: Candidate) -> bool:
    if not (c.exact and len(c.first) == 1):
        return False
    if c.phrase[0] in _INTENSIFIERS:
        return True
    if c.phrase[0] not in _EMPHATIC:
        return False
    after = c.second[-1] + 1
    following = c.tokens[after] if after < len(c.tokens) else ""
    return following.endswith("er") or following in {"more", "less", "fewer"}


def _grammatical_double(c: Candidate) -> bool:
    """ "we found that that model", "we had had", "what the problem is is": no break between."""
    if not (c.exact and len(c.first) == 1) or c.written_break:
        return False
    word = c.phrase[0]
    if word == "had":
        return True
    if word == "that":
        return c.before != "" and c.before not in COORDINATORS
    if word == "is":
        i = c.first[0]
        sentence_start = i
        while sentence_start > 0 and not c.words[sentence_start - 1].text.rstrip().endswith(
            (".", "?", "!")
        ):
            sentence_start -= 1
        return any(c.tokens[k] in WH_WORDS for k in range(sentence_start, i))
    return False


# "step by step", "again and again", "bigger and bigger", "end to end": a word, one of these,
# and the word again make one expression.
_REDUPLICATING = frozenset({"by", "after", "and", "to", "for", "over", "upon", "or", "on", "of"})


# Said first in a sentence, these join it to the one before: a sentence still opens after them
# ("So I started, I started the diagnosis").
_SENTENCE_LINKS = frozenset({"and", "so", "but", "then"})


def _opens_a_sentence(c: Candidate) -> bool:
    """The first go is the first of its sentence's words (hesitations and a linking "and", "so",
    "but" or "then" looked past): a sentence begun again, not a word or two stuttered inside it."""
    k = c.first[0] - 1
    linked = False
    while k >= 0:
        if ends_sentence(c.words[k].text):
            return True
        token = c.tokens[k]
        if hesitation_form(token) or not token:
            k -= 1
        elif token in _SENTENCE_LINKS and not linked:
            linked = True
            k -= 1
        else:
            return False
    return True


def _opening_said_again(c: Candidate) -> bool:
    return c.exact and len(c.first) == OPENING_RESTART_WORDS and _opens_a_sentence(c)


def _pair_broken_off(c: Candidate) -> bool:
    """Two words, a comma or a dash, the same two words: the voice stopped and began the phrase
    again. The issue's restart is this shape ("we trained, we trained the model"); every dev label
    of it inside a sentence (5) and at an opening (9) is a restart, where the same two words said
    again with no break are a repeat (42 of 44)."""
    return (
        c.exact
        and len(c.first) == OPENING_RESTART_WORDS
        and c.words[c.first[-1]].text.rstrip().endswith((",", "-", "—"))
        and c.gap < SENTENCE_BREAK_SECONDS
    )


def _reduplication(c: Candidate) -> bool:
    # "most of most of" is said twice over; "faxes of faxes" is one expression.
    joins = _REDUPLICATING - {"of"} if c.exact else _REDUPLICATING
    return len(c.first) == 2 and c.phrase[1] in joins


def _says_all_but_articles(c: Candidate) -> bool:
    """The second go says every word of the first but its articles, in order."""
    wanted = [t for t in _spelled_out(c.phrase) if t not in ARTICLES]
    return common_words(wanted, _spelled_out(c.tokens[i] for i in c.second)) == len(wanted)


def _restarted(c: Candidate) -> bool:
    """The first go was left unfinished and begun again (see the module's account)."""
    if c.switched:
        return False
    if c.exact:
        return len(c.first) >= RESTART_MIN_WORDS
    if c.runs_on or c.ends_sentence or _side_by_side(c):
        return False
    if c.opening >= LONG_OPENING_WORDS:
        return True
    if c.shared >= 2 and _says_all_but_articles(c):
        return True  # the whole first go said again, with words put in or articles left out
    if len(c.first) == 1 and c.left_on in _CONTRACTIONS:
        return True  # "it's, it could be": a contraction and its own subject again
    return (
        _left_unfinished(c)
        or _subject_left_hanging(c)
        or _swapped(c)
        or (_runs_straight_on(c) and _cut_short(c))
        or (_comma_between(c) and _subject_and_bare_verb(c))
    )


def _comma_in_a_stumble(c: Candidate) -> bool:
    """A comma closes the first go, but the words show it marks a voice breaking off, not a
    list or two clauses (tiny.en writes "We, we built the, the model. I trained, I retrained it."
    when its prompt holds a stumble): no sentence-long silence, the second go runs on past the
    comma, and the first go cannot be a whole item of a list. It is left on a word no phrase
    ends on ("the thing I, the lesson I took"); or on a verb the second go says again in
    another form ("I trained, I retrained it"; "some features matched, some features drifted"
    is a list); or it is a noun phrase alone at a clause's start whose second go runs on to a
    verb with no comma or "and" ("the cause, the usual causes are"; "the model artifact, the
    feature code, the training data" is a list); or a subject and a bare verb said again with
    another verb (``_verb_swapped_past_a_comma``); or a clause introducer and a short start on
    it said again (``_introducer_again``: "so the baseline, so first I build"), unless the goes
    are items of a sequence (``_items_of_a_sequence``); or a subject that never reached its verb
    (``_subject_without_a_verb``: "I also, I compared it"); or the same verb said again with
    auxiliaries put in (``_auxiliary_swapped``)."""
    if not c.words[c.first[-1]].text.rstrip().endswith(",") or c.gap >= SENTENCE_BREAK_SECONDS:
        return False
    if c.exact or len(c.second) < 2 or c.runs_on or c.left_on in COORDINATORS:
        return False
    second = [c.tokens[i] for i in _within_clause(c.words, c.second)]
    if len(second) < 2:
        return False
    if c.left_on in _CANNOT_END_A_PHRASE:
        return True
    if (
        word_class(c.left_on) == "content"
        and inflected_verb(c.left_on)
        and any(t != c.left_on and near_form(c.left_on, t) for t in second)
    ):
        return True
    if _verb_said_again(c, second) or _clause_begun_again(c, second):
        return True
    return (
        c.at_clause_start
        and _bare_noun_phrase(c)
        and len(second) == len(c.second)  # no comma closes the second go's words
        and not any(t in COORDINATORS for t in second)
        and any(_a_verb_said(t) for t in second[1:])
    )


def _clause_begun_again(c: Candidate, second: Sequence[str]) -> bool:
    """The shapes of a clause begun again that a comma after the first go does not undo."""
    return (
        _verb_swapped_past_a_comma(c, second)
        or (_introducer_again(c) and not _items_of_a_sequence(c, second))
        or _subject_without_a_verb(c, second)
        or _auxiliary_swapped(c, second)
    )


def _verb_swapped_past_a_comma(c: Candidate, second: Sequence[str]) -> bool:
    """ "When the team calls, when the team saves a customer", "We had, we precomputed the
    heavy user features", "candidate generation pulls, candidate generation narrows millions":
    a subject and its verb, nothing after the verb, and the second go says every word of the
    first but that verb again, then another verb that goes on. The first go is the same clause
    begun with one verb and begun again with another. A list of clauses finishes each item
    ("they test small purchases, they test new cards": the verb is said again, its object
    swapped) or opens it with a word that is no subject ("then flattens, then goes up")."""
    if len(c.phrase) < 2 or len(second) < len(c.first) + 1 or _side_by_side(c):
        return False
    *before, verb = c.phrase
    while len(before) > 1 and (before[-1] in _BEFORE_A_VERB or an_adverb(before[-1])):
        before.pop()  # "you still need, you still want": an adverb or auxiliary before the verb
    subject = before[-1]
    if word_class(subject) == "subject":
        # After a subject pronoun, or a modal, a bare form is a verb too ("I'd measure").
        if not (verb in {"has", "had", "have"} or can_be_a_verb(verb)):
            return False
    elif not (_noun(subject) and _a_verb_said(verb)):
        return False
    # "you can embed, you can use": an object pronoun after the verb is its subject again when
    # the auxiliary after it is said again too.
    gate = _gate(c)
    return c.opening == len(c.first) - 1 and (gate == "" or (gate == "object" and c.opening >= 2))


def _subject_without_a_verb(c: Candidate, second: Sequence[str]) -> bool:
    """ "I also, I compared it", "I'd also, I'd keep an eye on", "there are also, there are
    other forms": a subject and only auxiliaries and adverbs, left on an adverb, then the same
    subject again. The clause never reached its verb. Left on an auxiliary it may stand for a
    whole clause ("I was, I think"; "we did, we always do"), so that is no evidence."""
    if word_class(c.phrase[0]) != "subject" or second[0] != c.phrase[0] or len(c.phrase) < 2:
        return False
    if c.left_on in _BE_ANY or word_class(c.left_on) in {"auxiliary", "be"}:
        return False
    if not (c.left_on in _BEFORE_A_VERB or an_adverb(c.left_on)):
        return False
    return all(t in _BEFORE_A_VERB or an_adverb(t) for t in c.phrase[1:])


def _auxiliary_swapped(c: Candidate, second: Sequence[str]) -> bool:
    """ "they were calling, they had been calling the top leads": the same subject, more
    auxiliaries put in, and the same verb said again and gone on past: the clause begun again
    in a more exact tense. Two clauses of a list change their subject or their verb ("the code
    was pinned, the config was pinned"); two that contrast tenses swap one auxiliary for
    another ("we were training, we are training again")."""
    if len(c.phrase) < 3:
        return False  # a subject, an auxiliary at least, and the verb
    subject, *between, verb = c.phrase
    if word_class(subject) != "subject" or second[0] != subject or not between:
        return False
    if not all(t in _BEFORE_A_VERB or t in _BE_ANY for t in between) or not can_be_a_verb(verb):
        return False
    for k in range(2, min(len(second) - 1, len(c.phrase) + 2)):
        if near_form(verb, second[k]):
            return len(second[1:k]) > len(between) and all(
                t in _BEFORE_A_VERB or t in _BE_ANY for t in second[1:k]
            )
    return False


def _items_of_a_sequence(c: Candidate, second: Sequence[str]) -> bool:
    """ "a filter, then a ranker, then a budget layer": after a comma, an introducer and a whole
    noun phrase, then the introducer and another noun phrase are items of a list, not a clause
    begun again ("so the baseline, so first I build a rule"; "then a feature, then you can use a
    feature store": the second go opens a clause)."""
    return (
        c.phrase[0] not in _NEEDS_A_CLAUSE
        and _a_noun_phrase(c.phrase[1:])
        and len(second) > 1
        and word_class(second[1]) == "determiner"
    )


# A conjunction that opens a clause cannot take a noun phrase alone as a list's item: "if the
# prediction, if the score depends on" is a clause begun again, where "then a ranker, then a
# budget layer" lists.
_NEEDS_A_CLAUSE = (CONDITIONALS | TIME_CONJUNCTIONS | {"because"}) - {"since", "until"}


def _a_verb_said(token: str) -> bool:
    kind = word_class(token)
    return kind in {"be", "auxiliary"} or (
        kind == "content" and inflected_verb(token) and not token.endswith("ing")
    )


def _verb_said_again(c: Candidate, second: Sequence[str]) -> bool:
    """ "the backend used, the serving side used the listener's clock", "the first model had,
    the first version had an AUC", "I break, we break the errors down": the first go stops on
    its verb, with no object, and the second says the same verb where the first did and goes on
    past it. A list of clauses finishes each ("the code was pinned, the config was pinned": a
    participle after "be")."""
    verb = c.left_on
    after_a_subject = len(c.phrase) >= 2 and word_class(c.phrase[-2]) == "subject"
    if word_class(verb) != "content" and verb not in {"has", "had", "have"}:
        return False
    if not (verb in {"has", "had", "have"} or _a_verb_said(verb) or after_a_subject):
        return False
    if len(c.phrase) >= 2 and c.phrase[-2] in _BE_ANY:
        return False
    last = len(c.phrase) - 1
    return any(
        second[k] == verb and k + 1 < len(second)
        for k in (last - 1, last, last + 1)
        if 0 <= k < len(second)
    )


def _runs_straight_on(c: Candidate) -> bool:
    """Nothing sets the goes apart: the first opens a clause and has no comma, dash or silence at
    its end, and the second goes on past its opening word. Two clauses that open alike ("we ran
    the job, we ran it again") are set apart in writing and in time; a restart runs on."""
    if c.broken_off or c.gap >= SENTENCE_BREAK_SECONDS or not c.at_clause_start:
        return False
    second = c.words[c.second[0]].text.rstrip()
    return not second.endswith((",", ";", ":", ".", "?", "!", "-")) and len(c.second) > 1


def _comma_between(c: Candidate) -> bool:
    """ "we started, we always start": only a comma, with no sentence-long silence, between a
    clause's first go and a second that goes on. A recogniser writes a comma wherever the voice
    breaks off, so through speech a comma is no evidence of two clauses; the silence is. A
    subject and a bare verb set off by a comma before the same subject again is almost never
    written as two clauses (no case in the filler corpus's 370 answers; "I mean," is a filler)."""
    if not c.written_break or c.ends_sentence or c.gap >= SENTENCE_BREAK_SECONDS:
        return False
    second = c.words[c.second[0]].text.rstrip()
    return (
        c.at_clause_start
        and not second.endswith((",", ";", ":", ".", "?", "!", "-"))
        and (len(c.second) > 1)
    )


def _cut_short(c: Candidate) -> bool:
    """The first go, sharing maybe only its opening word with the second, is plainly unfinished
    by its shape (see the four below)."""
    return _subject_cut_short(c) or _introducer_again(c) or _parallel(c) or _word_cut_off(c)


def _subject_cut_short(c: Candidate) -> bool:
    """ "we ran we replayed", "I also I compared it", "we tried we ended up trying": a subject and
    its verb, with no object, then the same subject at once. "We" cannot be the verb's object,
    so it opens a new clause; only a verb that takes one ("we knew we had") leads into it."""
    opening, *rest = _spelled_out(c.phrase)
    if opening not in _NOMINATIVE or not 1 <= len(rest) <= 2:
        return False
    *between, verb = rest
    return (
        all(w in _BEFORE_A_VERB for w in between)
        and verb not in _OPENS_A_PHRASE
        and not takes_a_clause(verb)
    )


def _subject_and_bare_verb(c: Candidate) -> bool:
    """ "we started, we always start", "I looked, I went back": a subject and one verb, no
    auxiliary ("I was, I think": "was" may stand for a whole clause), then the subject again."""
    return (
        len(c.first) == 2
        and _subject_cut_short(c)
        and c.phrase[1] not in _BEFORE_A_VERB
        and word_class(c.phrase[1]) == "content"
    )


def _introducer_again(c: Candidate) -> bool:
    """ "so the first so before anything", "when we when the ranking team", "so I went so I
    started", "then I look at the then I plot": a word that opens a clause, a start on it (a
    short one, or one left on a word no phrase ends on), and the word again."""
    longest = MAX_FIRST_GO_WORDS if c.left_on in _PLAINLY_UNFINISHED else SHORT_FIRST_GO_WORDS
    return (
        c.phrase[0] in _CLAUSE_INTRODUCERS
        and 2 <= len(c.first) <= longest
        and c.phrase[1] in _BEGINS_A_CLAUSE
        and not any(t in COORDINATORS for t in c.phrase[1:])
    )


def _parallel(c: Candidate) -> bool:
    """ "the system has two the architecture has two", "to catch it I to notice it I", "the main
    decision the biggest decision": the second go opens and ends like the first, with a word
    between swapped, and the first go's end does not take the second as its complement."""
    first_go = _spelled_out(c.phrase)
    if not 3 <= len(first_go) <= LONG_OPENING_WORDS or c.phrase[0] in COORDINATORS:
        return False
    if first_go[-1] in _TAKES_A_COMPLEMENT:
        return False  # "the project was the problem was": left to the fitted decision
    second = _spelled_out(c.tokens[i] for i in _within_clause(c.words, c.second))
    last = len(first_go) - 1
    ends_alike = any(
        0 <= k < len(second) and second[k] == first_go[-1] for k in (last - 1, last, last + 1)
    )
    return ends_alike and second[: len(first_go)] != first_go


def _within_clause(words: Sequence[Word], indices: Sequence[int]) -> list[int]:
    """``indices`` up to the first that ends a clause or sentence."""
    out = []
    for i in indices:
        out.append(i)
        if words[i].text.rstrip().endswith((",", ";", ":", ".", "?", "!")):
            break
    return out


def _word_cut_off(c: Candidate) -> bool:
    """ "the big the biggest risk": the first go stops on a word the second says whole."""
    if len(c.first) < 2 or c.opening < len(c.first) - 1:
        return False
    at = len(c.first) - 1
    cut, whole = c.left_on, c.tokens[c.second[at]] if at < len(c.second) else ""
    return len(cut) >= CUT_OFF_MIN_LETTERS and whole.startswith(cut) and whole != cut


def _side_by_side(c: Candidate) -> bool:
    """The first go leads into the second, which is its partner rather than its redo: left on
    "and" or "or" ("L one or L two", "one for training and one for serving"), or a noun phrase
    left on a preposition that takes the second go as its object ("the cost of a miss against
    the cost of a false alarm")."""
    if c.left_on in COORDINATORS or c.left_on in _JOINS_TERMS:
        return True
    if c.before == "from" and c.left_on == "to":
        return True  # a range: "from three point six to three point nine"
    return (
        c.phrase[0] in _WEAK_OPENINGS
        and c.left_on in _TAKES_AN_OBJECT
        and len(c.first) > c.opening + 1
    )


# Words that join two terms the way "and" joins items: "new card plus new device", "recall
# versus recall at a fixed precision".
_JOINS_TERMS = frozenset({"plus", "minus", "versus", "vs", "times"})


def _swapped(c: Candidate) -> bool:
    """Begun at a clause's start and begun again at once with a word or two of it swapped: "the
    first model had the first version had", "I once spent I once lost", "I'm careful I'm wary".

    The two goes are lined up word by word: the second says the first's opening and then
    differs. What tells this from two clauses that open alike ("we trained the encoder, we
    trained the ranker") is the break between them: a comma or a sentence end in the words, or a
    sentence-long silence in the word times. Coordinated phrases ("and the model and the data")
    open on a conjunction and are not restarts.
    """
    if c.exact or c.broken_off or c.runs_on or c.gap >= SENTENCE_BREAK_SECONDS:
        return False
    if not c.at_clause_start or c.phrase[0] in CLAUSE_CONJUNCTIONS:
        return False
    first_go = _spelled_out(c.phrase)
    opening = _opening(first_go, _spelled_out(c.tokens[i] for i in c.second))
    if any(takes_a_clause(t) for t in first_go[opening:]):
        return False  # "I'd say what I would improve": the verb's clause follows it
    return opening >= SWAP_MIN_OPENING and 1 <= len(first_go) - opening <= MAX_SWAPPED_WORDS


def _opening(a: Sequence[str], b: Sequence[str]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _left_unfinished(c: Candidate) -> bool:
    """Stopped on a word no phrase ends on, and most of it said again at once: "you have to,
    you need to", "to detect it I, to detect both I"."""
    if c.left_on not in _CANNOT_END_A_PHRASE or c.near_shared < 2:
        return False
    longest = LONG_OPENING_WORDS if c.opening >= 2 else SHORT_FIRST_GO_WORDS
    if c.phrase[0] in _WEAK_OPENINGS:
        longest = SHORT_FIRST_GO_WORDS if c.opening >= 2 else 0
    return len(c.first) <= longest


def _subject_left_hanging(c: Candidate) -> bool:
    """A subject or clause opener, then words left on a preposition or article, then the opener
    again: "those come from, those are computed in", "we had to, we corrected", "then the, then
    I look at the"."""
    return (
        c.left_on in _PLAINLY_UNFINISHED
        and len(c.first) <= SHORT_FIRST_GO_WORDS
        and c.phrase[0] in _CLAUSE_OPENERS
        and c.at_clause_start
        and not c.ends_sentence
    )


def _judged_restart(c: Candidate) -> bool:
    """The fitted decision (``restart_model``) calls it a restart. Only where the goes run
    straight on: a comma, a sentence end, a sentence-long silence or a first go left on "and"
    sets two clauses apart, and a restart said word for word is the rules' to call."""
    return c.model is not None and not c.broken and judgeable(c) and c.model.is_restart(c.as_break)


def _judged_break(c: Candidate) -> bool:
    """The broken-off decision calls a clause's opening broken off by a comma a restart. These
    candidates are the decision's alone: the rules' shapes were written for other candidates
    (the goes of a broken one are not aligned), so they come first in ``RULES``, and one the
    decision leaves is no candidate at all (``_decide_at``)."""
    return c.broken and c.model is not None and c.model.is_restart(c.as_break)


def _taken_back(c: Candidate) -> bool:
    """A first go, a comma, a word that takes it back and the first go said again word for word
    (two words or more after "so", which also links clauses: "fast, so fast"), or most of it
    said again after a first go left on a word no phrase ends on ("we moved to, actually we
    moved off")."""
    if not c.corrected or c.gap >= SENTENCE_BREAK_SECONDS or c.runs_on:
        return False
    marker = c.tokens[c.first[-1] + 1]
    if not any(m[0] == marker for m in _CORRECTIONS):
        # An adverb put in: only the whole first go said again shows it was begun again.
        return c.exact and len(c.first) >= 2
    if c.exact:
        return len(c.first) >= 2 or marker != "so"
    return c.left_on in _CANNOT_END_A_PHRASE and c.near_shared >= 2


_RELATIVES = frozenset({"that", "which", "who", "whom", "whose"})
_NOUN_OPENERS = frozenset({"determiner", "number"})
_DEGREE_WORDS = QUANTIFIERS | {"very", "far", "long", "many", "few", "little"}


def _a_noun_phrase(tokens: Sequence[str]) -> bool:
    return len(tokens) >= 2 and tokens[0] in DETERMINERS and word_class(tokens[-1]) == "content"


# Forms of "be", negated too: the phrase after one is its complement.
_BE_ANY = BE_FORMS | {"isn't", "wasn't", "aren't", "weren't"}


def _be_said_again(first: Sequence[str], second: Sequence[str]) -> bool:
    """The first go is left on a form of "be" and the second says one where the first did
    ("my part was my job was", "we were I was"): the second go has its own verb where the first
    had one, so the fitted decision weighs it rather than the complement gate. It may still be a
    complement ("the problem was the data was stale"), but in the coaching dev answers, k81-k100
    and the filler corpus's 370 answers all 13 candidates of this shape were restarts."""
    return (
        len(first) >= 2
        and first[-1] in _BE_ANY
        and any(0 <= k < len(second) and second[k] in _BE_ANY for k in (len(first) - 1, len(first)))
    )


def judgeable(c: Candidate) -> bool:
    """Whether the fitted decision may weigh ``c`` (see ``_judged_restart``): a first go of at
    most ``JUDGED_MAX_WORDS`` words run straight into a second that goes on, not joined to it
    by grammar that never breaks off (``HARD_GATES``). A form of "be", a preposition or a verb
    that could take the second go as its complement or object (``_gate``) keeps it out unless
    the second go echoes the first and opens a clause of its own; the decision weighs those."""
    if c.exact or len(c.second) < 2 or len(c.first) > JUDGED_MAX_WORDS:
        return False
    if c.broken_off or c.runs_on or c.gap >= SENTENCE_BREAK_SECONDS or _side_by_side(c):
        return False
    if c.words[c.second[0]].text.rstrip().endswith((",", ";", ":", ".", "?", "!", "-")):
        return False  # "we dropped it. We dropped": the "second go" is a word closing a clause
    gate = _gate(c)
    if gate in HARD_GATES:
        return False
    # A softer gate is lifted only when the second go opens a clause of its own and says the
    # first's words again ("it wasn't mature it was too immature"): then it is no complement.
    second = [c.tokens[i] for i in c.second]
    if gate == "" or not opens_a_clause(second):
        return gate == ""
    # ... or when the first go is a noun phrase alone at a clause's start ("the training, the
    # features were computed twice"): a verb cannot have been its object's head.
    return echoes(c.phrase, second, opening=True) or (c.at_clause_start and _bare_noun_phrase(c))


def _bare_noun_phrase(c: Candidate) -> bool:
    """A determiner and words that are no verb said ("the training", "the new model"; not "the
    team owned")."""
    first, *rest = c.phrase
    return (
        word_class(first) == "determiner"
        and bool(rest)
        and all(
            word_class(t) == "content" and (t.endswith("ing") or not inflected_verb(t))
            for t in rest
        )
    )


# The grammar that joins the goes so surely that no echo outweighs it: a first go left on a
# clause opener or a relative ("we retrain when we see drift when"), a list ("and the model and
# the data"), "so much so", a verb that takes the clause after it ("I thought I knew"), an object
# pronoun after a verb ("it makes it harder"), a relative clause with its object left out ("the
# model the team trained was slow"). The rest of ``restart_model.GATES`` (a form of
# "be", a preposition, a verb and a noun phrase after it) are weighed.
HARD_GATES = frozenset({"opener", "list", "degree", "clause", "object", "relative"})


def _gate(c: Candidate) -> str:
    """Why the first go's end could take the second go as its complement or object, as one of
    ``restart_model.GATES`` ("" when nothing does). "the baseline was the same weekday", "what
    I think about first is what": a form of "be" takes the next phrase as its complement unless
    the second go says it again ("the project was the problem was"); "I think I start", "I'd say
    what I'd improve": a verb that takes a clause leads into one opening on a subject; "the team
    owned the app": a verb takes the noun phrase after it as its object. All were hard gates
    until round 7; now ``judgeable`` keeps only ``HARD_GATES`` so, and lifts the others when
    the second go opens a clause of its own and echoes the first ("the model learns the model
    relearns" is no verb and its object), the decision weighing which gate it was."""
    second = [c.tokens[i] for i in _within_clause(c.words, c.second)]
    be_takes_the_second = c.left_on in _BE_ANY or any(
        t in _BE_ANY and t not in second for t in c.phrase[1:]
    )
    if be_takes_the_second and not _be_said_again(c.phrase, second):
        return "be"  # "the baseline was the same weekday"
    if word_class(c.left_on) in {"introducer", "coordinator"} or c.left_on in _RELATIVES:
        return "opener"  # "we retrain when we see drift", "it won because it", "the fact that"
    if word_class(c.left_on) == "preposition" and word_class(second[0]) in _NOUN_OPENERS:
        return "preposition"  # "a flag works like a dimmer", "that points at the input"
    if second[0] in OBJECT_PRONOUNS and word_class(c.left_on) == "content":
        return "object"  # "it makes it harder"
    if c.phrase[0] in COORDINATORS and (
        _a_noun_phrase(c.phrase[1:]) or word_class(second[1]) == "content"
    ):
        return "list"  # "and the model and the data", "again and again": a list
    if c.phrase[0] == "so" and c.phrase[1] in _DEGREE_WORDS:
        return "degree"  # "so much so that"
    if word_class(c.left_on) == "content" and _reduced_relative(second):
        return "relative"  # "the model the team trained was slow"
    if (
        c.left_on not in _BE_ANY
        and inflected_verb(c.left_on)
        and word_class(second[0]) in _NOUN_OPENERS
    ):
        return "verb_object"  # "the team owned the front end": a verb and its object
    if word_class(second[0]) == "subject" and any(
        takes_a_clause(t) or t == "like" for t in c.phrase[1:]
    ):
        return "clause"
    return ""


def _reduced_relative(second: Sequence[str]) -> bool:
    """ "the team trained was", "we shipped worked", "the model used is": a subject and a verb
    with no object, then another verb. The second go is a relative clause on the first go's
    noun, its object left out, and the sentence's own verb follows it."""
    for k in (1, 2, 3):
        if k + 1 >= len(second):
            return False
        verb, then = second[k], second[k + 1]
        head = second[:k]
        if not all(word_class(t) in {"determiner", "subject"} or _noun(t) for t in head):
            return False
        # A verb said (not a plural noun: "the features were"), "did" as a main verb too.
        said = verb in {"did", "does", "do"} or (
            word_class(verb) == "content"
            and inflected_verb(verb)
            and not verb.endswith("ing")
            and (verb.endswith("ed") or not can_be_a_noun(verb))
        )
        if said and (then in _BE_ANY or word_class(then) == "auxiliary" or inflected_verb(then)):
            return True
    return False


def _noun(token: str) -> bool:
    return word_class(token) == "content" and can_be_a_noun(token)


# What joins a list's next item: "a, b and c", "a, b or c".
_ITEM_JOINERS = frozenset({"and", "or"})
# ... or a clause of its own: after a comma, a second go opening on one of these goes on with the
# speaker's list ("I rejected it, and I also rejected a plain one").
_JOINS_AN_ITEM = _ITEM_JOINERS | {"but"}
# The longest item of a series looked for, past the first go's length.
_ITEM_SLACK = 2


def _item_from(c: Candidate, start: int, size: int) -> list[int] | None:
    """The spoken words of a list's item opening at word ``start``: up to a comma, a semicolon or
    the sentence's end, or before "and"/"or", within ``size`` words; ``None`` when it runs on."""
    item: list[int] = []
    for i in range(start, min(len(c.words), start + size)):
        if item and c.tokens[i] in _ITEM_JOINERS:
            return item
        if c.tokens[i] and not hesitation_form(c.tokens[i]):
            item.append(i)
        if c.words[i].text.rstrip().endswith((",", ";", ".", "?", "!")):
            return item
    return None


def _alike(one: Sequence[str], other: Sequence[str], opening: int, ending: int) -> bool:
    """``other`` opens like ``one`` on as many words as the goes share (two will do), or ends on
    the words they end on; an article alone makes no likeness ("a deep, a very deep tree, a
    huge forest": a restart inside a list)."""
    head = _opening(one, other)
    if head >= max(1, min(opening, 2)) and not set(one[:head]) <= ARTICLES:
        return True
    tail = _opening(one[::-1], other[::-1])
    return tail >= max(1, min(ending, 2)) and not set(one[len(one) - tail :]) <= ARTICLES


def _in_a_series(c: Candidate) -> bool:
    """The two goes are items of a list of three or more that open or end alike: "we look at what
    people typed, we look at what they clicked, we look at what they bought"; "the venue's
    history, the cast's history, the writer's history". A speaker begins a phrase again once; a
    third item made the same way is a figure of speech, whatever the first two look like."""
    if c.exact or not c.words[c.first[-1]].text.rstrip().endswith(","):
        return False
    size = len(c.first) + _ITEM_SLACK
    second = _item_from(c, c.second[0], size)
    if second is None:
        return False
    one, two = list(c.phrase), [c.tokens[i] for i in second]
    opening, ending = _opening(one, two), _opening(one[::-1], two[::-1])
    if not _alike(one, two, opening, ending):
        return False
    # The item before: a comma-closed stretch just before the first go, opening alike.
    end = c.first[0] - 1
    if end >= 0 and c.words[end].text.rstrip().endswith(","):
        for start in range(end, max(-1, end - size), -1):
            if start < end and c.words[start].text.rstrip().endswith((",", ".", "?", "!")):
                break
            said = [c.tokens[i] for i in range(start, end + 1) if c.tokens[i]]
            if said and said[0] == one[0] and _alike(one, said, opening, ending):
                return True
    # The item after: past the second go's comma and an "and" or "or".
    after = second[-1] + 1
    if after < len(c.tokens) and c.tokens[after] in _ITEM_JOINERS:
        after += 1
    third = _item_from(c, after, size) if after < len(c.words) else None
    return bool(third) and _alike(one, [c.tokens[i] for i in third or ()], opening, ending)


RULES: tuple[RepetitionRule, ...] = (
    RepetitionRule(
        "repetition.series",
        "content",
        "the goes are items of a list of three or more that open or end alike ('we asked what it"
        " costs, we asked who maintains it, we asked who explains it') → content",
        (
            (
                "We look at what people typed, we look at what they clicked, we look at what"
                " they bought.",
                "content",
            ),
            ("It lacked the venue's history, the cast's history, the writer's history.", "content"),
            (
                "We beat it on the big districts, beat it on the small ones, and beat it on hot"
                " days.",
                "content",
            ),
        ),
        _in_a_series,
    ),
    RepetitionRule(
        "repetition.broken-off-model",
        "restart",
        "a clause's opening broken off by a comma and a fresh start after it, weighed by the"
        " decision fitted on such breaks ('the data came, the data was scan events') → restart",
        (
            ("The data came, the data was scan events from the depots.", "restart"),
            ("So leakage is, leakage is when the answer leaks into the inputs.", "restart"),
            ("The label was, we defined the label as a cancellation.", "restart"),
        ),
        _judged_break,
    ),
    RepetitionRule(
        "repetition.reduplication",
        "content",
        'a word, "by", "after", "and", … and the word again ("step by step") → content',
        (
            ("We rolled it out step by step.", "content"),
            ("It won again and again, and we kept it.", "content"),
            ("The queue grew bigger and bigger.", "content"),
            ("Fraudsters adapt week after week after launch.", "content"),
        ),
        _reduplication,
    ),
    RepetitionRule(
        "repetition.across-sentences",
        "content",
        "a phrase that ends one sentence and opens the next ('the model. The model is') → content",
        (("It beat the model. The model was fine.", "content"),),
        _across_sentences,
    ),
    RepetitionRule(
        "repetition.number",
        "content",
        'a number doubled in a string of digits ("zero point nine nine", "5 .5") or "a fifty fifty'
        ' split" → content',
        (
            ("The AUC was zero point nine nine on the test set.", "content"),
            ("You expect a 50 50 split.", "content"),
            ("The error code is four two two nine.", "content"),
            ("Errors fell to about 5 .5 % over the year.", "content"),
        ),
        _number_said_twice,
    ),
    RepetitionRule(
        "repetition.emphasis",
        "content",
        'a word doubled before a comparative for emphasis ("much much bigger"), or "very, very",'
        ' "really really" → content',
        (
            ("It made the index much much smaller.", "content"),
            ("Fraud is very, very rare.", "content"),
            ("Trees are really really hard to beat here.", "content"),
        ),
        _emphasis,
    ),
    RepetitionRule(
        "repetition.grammatical",
        "content",
        '"that that", "had had", "what … is is" with no break between them: grammar → content',
        (
            ("We found that that model leaked the label.", "content"),
            ("By then we had had three outages.", "content"),
            ("What it is is a label delay.", "content"),
        ),
        _grammatical_double,
    ),
    RepetitionRule(
        "repetition.taken-back",
        "restart",
        "a first go, a comma, a word that takes it back ('actually', 'sorry', 'so') and the first"
        " go said again ('check the labels, actually check the labels') → restart",
        (
            ("First, check the labels, actually check the labels by hand.", "restart"),
            ("This was at, so this was at a regional bakery.", "restart"),
            ("We moved to, actually we moved off the old queue.", "restart"),
            ("Customers stay, sorry stay longer.", "restart"),
            ("That is the retention team, usually the retention team calling.", "restart"),
        ),
        _taken_back,
    ),
    RepetitionRule(
        "repetition.not-taken-back",
        "content",
        "a clause, a comma, 'so' and a clause that opens alike ('the data was late, so the data"
        " was dropped') → content",
        (
            ("The data was late, so the data was dropped.", "content"),
            ("It was fast, so fast that nobody noticed.", "content"),
        ),
        lambda c: c.corrected,
    ),
    RepetitionRule(
        "repetition.abandoned",
        "restart",
        "a clause left on an article or a possessive, then a subject, a clause opener, a form of"
        " 'be' or a modal: nothing came after the article ('in production the once it was live')"
        " → restart",
        (
            ("In production the once it was live, waste fell.", "restart"),
            ("And tuning the you tune the threshold on validation.", "restart"),
            ("Then our if the queue grows, we add a worker.", "restart"),
            ("Someone writes the, a data scientist writes the features.", "restart"),
        ),
        lambda c: c.abandoned,
    ),
    RepetitionRule(
        "repetition.cut-at-a-comma",
        "restart",
        "a clause broken off by a comma on a subject, a modal, a preposition, 'to', a question"
        " word or 'and', then begun afresh and brought back to that word, or after a subject a"
        " new clause, or after 'and' the phrase begun again ('you're bound by, the whole thing"
        " is bound by'; 'first I'd, the first step is') → restart",
        (
            ("Then you're bound by, the whole thing is bound by latency.", "restart"),
            ("So you have to, the training set has to respect maturity.", "restart"),
            ("I would want to know which, find out which queries fail.", "restart"),
            ("Okay so, first I'd, the first step is packaging.", "restart"),
            ("Too much and, too much regularization and you underfit.", "restart"),
            ("First I, the first thing I checked was the joins.", "restart"),
            ("I would, what I would do is take the ranker.", "restart"),
        ),
        lambda c: c.cut,
    ),
    RepetitionRule(
        "repetition.echoed",
        "restart",
        "a phrase opening a clause, broken off by a comma and said again at once with its"
        " determiner added, dropped or swapped, the sentence going on ('so training windows, the"
        " training windows lag') → restart",
        (
            ("So training windows, the training windows lag behind.", "restart"),
            ("So the negatives, a lot of the negatives were unlabeled.", "restart"),
            ("That parity job, the parity job alone caught it.", "restart"),
            ("Preprocessing, any preprocessing has to be fitted inside.", "restart"),
        ),
        lambda c: c.echoed,
    ),
    RepetitionRule(
        "repetition.opening-said-again",
        "restart",
        "a sentence's two opening words said again at once ('we trained, we trained the model')"
        " → restart",
        (
            ("We trained, we trained the model on a week.", "restart"),
            ("It was fine. If the, if the answer is yes, we ship.", "restart"),
            ("So I started I started with the labels.", "restart"),
            ("It was it was a business call.", "restart"),
        ),
        _opening_said_again,
    ),
    RepetitionRule(
        "repetition.pair-broken-off",
        "restart",
        "two words, a comma, and the same two words inside a sentence ('it turned, it turned"
        " out') → restart",
        (
            ("At first it turned, it turned out the labels were late.", "restart"),
            ("The fix was that we used, we used the wrong clock.", "restart"),
            ("We split it by region, by region and by week.", "restart"),
        ),
        _pair_broken_off,
    ),
    RepetitionRule(
        "repetition.said-again",
        "repeat",
        'a word said again at once ("the the"), or two inside a sentence with no break ("the same'
        ' the same")'
        " → repeat",
        (
            ("We trained the the model.", "repeat"),
            ("We, we shipped it.", "repeat"),
            ("It was the, um, the label.", "repeat"),
            ("I knew it was it was a business call.", "repeat"),
            ("Bots push the same the same records.", "repeat"),
            ("We recovered most of most of the accuracy.", "repeat"),
            ("Scoring every night is is wasteful.", "repeat"),
            ("And that that hurt us.", "repeat"),
            ("We read fifty fifty rows by hand.", "repeat"),
        ),
        lambda c: c.exact and len(c.first) < RESTART_MIN_WORDS,
    ),
    RepetitionRule(
        "repetition.restart",
        "restart",
        "a phrase begun, left and begun again ('if you shuffle if you randomly shuffle'), or begun"
        " again at once with a word swapped ('I once spent I once lost') → restart",
        (
            ("In practice we, in practice we retrain weekly.", "restart"),
            ("If you shuffle if you randomly shuffle rows, it leaks.", "restart"),
            ("We caught a we once caught a bug.", "restart"),
            ("I would check I'd first check the labels.", "restart"),
            ("On my last team we had on my last team we ran a service.", "restart"),
            ("Those come from those are computed in a batch job.", "restart"),
            ("It's it could be the labels.", "restart"),
            ("And the cost and cost too.", "restart"),
            ("Then the then I look at the labels.", "restart"),
            ("And the first model had the first version had a leak.", "restart"),
            ("I once spent I once lost two days on it.", "restart"),
            ("I'm careful I'm wary with oversampling.", "restart"),
            ("On a churn on a pricing project, trees won.", "restart"),
            ("We ran we replayed a week of requests.", "restart"),
            ("We started, we always start with a rule.", "restart"),
            ("I also I compared it with a popularity list.", "restart"),
            ("The system has two the architecture has two stages.", "restart"),
            ("To catch it I to notice it I watch the inputs.", "restart"),
            ("So the first so before anything I ask what the score is for.", "restart"),
            ("When we when the ranking team wanted more, we changed a value.", "restart"),
            ("And the big the biggest risk is drift.", "restart"),
            ("Then I look at the then I plot learning curves.", "restart"),
            # A comma the words show to be inside the stumble (``_comma_in_a_stumble``).
            ("In my last team we, in my last role we had a model.", "restart"),
            ("I trained, I retrained it.", "restart"),
            ("The backend used, the serving side used the local clock.", "restart"),
            ("When the team calls, when the team saves a customer, the label flips.", "restart"),
            ("We had, we precomputed the heavy user features.", "restart"),
            ("Offline I'd measure, offline I'd track NDCG.", "restart"),
            ("And you still need, you still want checks.", "restart"),
            ("I once spent, I once lost two days on it.", "restart"),
            ("So the baseline, so first I build a rule.", "restart"),
            ("If the prediction, if the score depends on the user, it runs live.", "restart"),
            ("So for new, so new products get a boost.", "restart"),
            ("I also, I compared it with a popularity list.", "restart"),
            ("There are also, there are other forms.", "restart"),
            ("They were calling, they had been calling the top leads.", "restart"),
        ),
        _restarted,
    ),
    RepetitionRule(
        "repetition.restart-model",
        "restart",
        "a short first go followed at once by a fresh start that opens like it, weighed by the"
        " fitted restart decision ('the cause the usual causes', 'I built we built') → restart",
        (
            ("The cause the usual causes are drift.", "restart"),
            ("I built we built a glossary match.", "restart"),
            ("It was fine. The cause, the usual causes are drift.", "restart"),
            ("Error analysis by slice. I break, we break the errors down.", "restart"),
        ),
        _judged_restart,
    ),
    RepetitionRule(
        "repetition.says-alike",
        "content",
        "two sentences or clauses that open alike ('we trained the encoder, we trained the"
        " ranker') → content",
        (
            ("We trained the encoder, we trained the ranker.", "content"),
            ("It was good. It was fast.", "content"),
            ("The results of the model were fine.", "content"),
            ("The worst one I was part of was a fraud model.", "content"),
            ("Everyone sees the same model at the same time.", "content"),
            ("L one or L two penalties help.", "content"),
            ("We keep one for training and one for serving.", "content"),
            ("Weigh the cost of a miss against the cost of a false alarm.", "content"),
            ("And the model and the data were both fine.", "content"),
            ("I thought I knew the answer.", "content"),
            ("We said we would retrain it.", "content"),
            ("We knew we had a leak.", "content"),
            ("I'm sure I saw it twice.", "content"),
            ("We ran the job, we ran it again the next day.", "content"),
            ("It makes it harder to debug.", "content"),
            ("So much so that we stopped.", "content"),
            ("But the model itself was the easy part. It was the features.", "content"),
            ("That was that.", "content"),
            ("The problem was the data arrived late.", "content"),
            ("We retrain when we see drift when the data shifts.", "content"),
            # A comma ending a whole item of a list is no stumble's.
            ("Some features matched, some features drifted by a lot.", "content"),
            ("The code was pinned, the config was pinned, but the data was not.", "content"),
            ("Version the model artifact, the feature code, the training data.", "content"),
            ("I don't celebrate, I assume it leaks.", "content"),
            # Each clause of a list finishes: the verb said again, its object swapped.
            ("They test small purchases, they test new cards.", "content"),
            ("The loss goes down, then flattens, then goes up.", "content"),
            ("A filter, then a ranker, then a budget layer.", "content"),
            # Left on an adverb after its verb: the clause was whole.
            ("We checked it then, we checked it again later.", "content"),
            # "you" after the verb, with no auxiliary said again: an object, then a clause.
            ("They pay you, you pay them.", "content"),
            # One auxiliary for another: tenses contrasted, not a clause begun again.
            ("We were training, we are training again now.", "content"),
        ),
    ),
)


def _spoken(tokens: Sequence[str], skip: Collection[int]) -> list[int]:
    """The indices of the words a phrase can be made of: said, not a hesitation, not skipped."""
    return [i for i, t in enumerate(tokens) if t and not hesitation_form(t) and i not in skip]


def explain_repetitions(
    words: Sequence[Word],
    skip: Collection[int] = (),
    model: RestartModel | None = None,
    broken_model: RestartModel | None = None,
) -> list[tuple[Candidate, RepetitionRule]]:
    """Every candidate in ``words`` with the rule that decided it; ``skip`` words (fillers other
    than hesitations) are never part of a phrase. ``model`` is the restart decision for goes run
    straight on, ``broken_model`` the one for goes broken off by a comma (the packaged ones
    unless given: the fitting script tries others)."""
    model = model or packaged_model()
    broken_model = broken_model or packaged_broken_model()
    words = tuple(words)
    tokens = tuple(w.norm for w in words)
    spoken = _spoken(tokens, skip)
    found: list[tuple[Candidate, RepetitionRule]] = []
    n = 0
    while n < len(spoken):
        decided = _decide_at(_candidates_at(words, tokens, spoken, n, model, broken_model))
        if decided is None:
            n += 1
            continue
        candidate, rule = decided
        found.append(decided)
        # A repeat's first go is not looked at again; content moves on by one word.
        n += len(candidate.first) if rule.verdict != "content" else 1
    return found


def _decide_at(candidates: Iterable[Candidate]) -> tuple[Candidate, RepetitionRule] | None:
    """The first of ``candidates`` that a rule counts, else the first one judged content, else
    ``None``."""
    content: tuple[Candidate, RepetitionRule] | None = None
    for candidate in candidates:
        if candidate.broken and not _judged_break(candidate):
            continue
        rule = next(r for r in RULES if r.holds(candidate))
        if rule.verdict != "content":
            return candidate, rule
        if not candidate.switched:  # another word of a class is not a phrase said again
            content = content or (candidate, rule)
    return content


def _candidates_at(
    words: tuple[Word, ...],
    tokens: tuple[str, ...],
    spoken: list[int],
    n: int,
    model: RestartModel | None = None,
    broken_model: RestartModel | None = None,
) -> list[Candidate]:
    """Phrases starting at ``spoken[n]`` said again: word for word (longest first), then first
    goes of every length whose opening word is said again, then short first goes followed by
    another word of the opening word's class; last, a clause's opening broken off by a comma."""
    said = [tokens[i] for i in spoken]
    out: list[Candidate] = []
    for size in range(min(MAX_PHRASE_WORDS, (len(said) - n) // 2), 0, -1):
        if said[n : n + size] == said[n + size : n + 2 * size]:
            first = tuple(spoken[n : n + size])
            second = tuple(spoken[n + size : n + 2 * size])
            out.append(Candidate(words, tokens, first, second, True, model=model))
    opening = _CONTRACTIONS.get(said[n], (said[n],))[0]
    for size in range(1, MAX_FIRST_GO_WORDS + 1):
        again = n + size
        if again >= len(said) or _CONTRACTIONS.get(said[again], (said[again],))[0] != opening:
            continue
        if said[n : n + size] == said[again : again + size]:
            continue  # word for word: taken above
        second = tuple(spoken[again : again + size + SECOND_GO_SLACK])
        out.append(Candidate(words, tokens, tuple(spoken[n:again]), second, False, model=model))
    out += _switched_at(words, tokens, spoken, n, model)
    # A correction between the goes says how they relate before any shape of the words does.
    return (
        _corrected_at(words, tokens, spoken, n)
        + out
        + _abandoned_at(words, tokens, spoken, n)
        + _cut_at_a_comma(words, tokens, spoken, n)
        + _echoed_at(words, tokens, spoken, n)
        + _broken_at(words, tokens, spoken, n, broken_model)
    )


# Words that take back what was just said, between a first go closed by a comma and the second:
# "check the labels, actually check the labels", "this was at, so this was at a bakery".
_CORRECTIONS: tuple[tuple[str, ...], ...] = (
    ("or", "rather"),
    ("okay", "so"),
    ("i", "mean"),
    ("actually",),
    ("sorry",),
    ("rather",),
    ("okay",),
    ("so",),
)


# Adverbs that add or order rather than correct: "we checked the labels, then we checked the
# labels again" goes on.
_ADDING_ADVERBS = frozenset({"then", "also", "again", "too", "not", "more", "only", "so"})


def _an_inserted_adverb(token: str) -> bool:
    """An adverb put in front of a first go said again ("the retention team, usually the
    retention team"; "I'd want to, first I'd want to")."""
    return token not in _ADDING_ADVERBS and an_adverb(token)


def _corrected_at(
    words: tuple[Word, ...], tokens: tuple[str, ...], spoken: list[int], n: int
) -> list[Candidate]:
    """First goes from ``spoken[n]`` closed by a comma, then a correction, then the first go's
    opening word again."""
    said = [tokens[i] for i in spoken]
    out = []
    for size in range(1, MAX_FIRST_GO_WORDS + 1):
        end = n + size - 1
        if end + 2 >= len(said) or not words[spoken[end]].text.rstrip().endswith(","):
            continue
        marker = next(
            (m for m in _CORRECTIONS if tuple(said[end + 1 : end + 1 + len(m)]) == m), None
        )
        if marker is None and _an_inserted_adverb(said[end + 1]):
            marker = (said[end + 1],)
        if marker is None:
            continue
        again = end + 1 + len(marker)
        if (
            again >= len(said)
            or said[again] != said[n]
            or spoken[again] != spoken[end] + 1 + len(marker)
        ):
            continue  # the opening word again, straight after the correction
        first = tuple(spoken[n : end + 1])
        exact = said[n : end + 1] == said[again : again + size]
        second = tuple(spoken[again : again + size + (0 if exact else SECOND_GO_SLACK)])
        out.append(Candidate(words, tokens, first, second, exact, model=None, corrected=True))
    return out


# Left on with nothing after them, these leave a phrase plainly cut short ("his", "her" and
# "its" double as pronouns, "that" and "this" as pronouns and conjunctions).
_HANGING_DETERMINERS = ARTICLES | POSSESSIVE_DETERMINERS
# ... when the next word cannot go on a noun phrase: a subject, a word opening a clause, a form
# of "be" or a modal ("while", "since", "might", "can" and "will" are nouns too: "for a while").
_CANNOT_FOLLOW_A_DETERMINER = (
    PERSONAL_SUBJECTS
    | WOULD_CONTRACTIONS
    | {"i'm", "we're", "they're", "i've", "we've"}
    | {"if", "unless", "once", "when", "because"}
    | {"is", "was", "are", "were"}
    | {"would", "should", "could", "won't", "can't", "cannot"}
    # ... or "the" or a possessive: "a the", "the our" are never one noun phrase ("an A/B
    # test" is: "a" may be the letter).
    | {"the"}
    | POSSESSIVE_DETERMINERS
)


def _left_hanging(words: tuple[Word, ...], spoken: list[int], said: list[str], k: int) -> bool:
    """Whether the phrase stops on ``said[k]``, an article or a possessive with no noun after it:
    the next word cannot go on a noun phrase, or a comma or a dash is written after the article
    and another article, a preposition or a question word follows ("someone writes the, a data
    scientist writes", "at the, in my last role", "and the, whether the title"), which no noun
    phrase has. "the the" is a repeat; "a" may be the letter ("plan A, plan B"); a hesitation or
    filler after the comma holds the phrase open ("the, uh, label delay"), and a recogniser may
    drop it but keep the comma."""
    word, after = said[k], said[k + 1]
    if word not in _HANGING_DETERMINERS or after == word:
        return False
    if after in _CANNOT_FOLLOW_A_DETERMINER:
        return True
    return (
        word != "a"
        and words[spoken[k]].text.rstrip().endswith((",", "-", "—"))
        and spoken[k + 1] == spoken[k] + 1
        and after in ARTICLES | PREPOSITIONS | WH_WORDS
    )


_ENDS_A_CLAUSE = (",", ";", ":", ".", "?", "!")


def _comma_ending(
    words: tuple[Word, ...], tokens: tuple[str, ...], spoken: list[int], n: int, most: int
) -> int | None:
    """Where a clause opening at ``spoken[n]`` is broken off by a comma: the place in ``spoken``
    of the first word within ``most`` words written with one (a word left after it), or
    ``None`` when the opening is no clause's, or the clause ends or runs on first."""
    if not _opens_a_clause_at(words, tokens, spoken, n):
        return None
    for k in range(n, min(n + most, len(spoken) - 1)):
        text = words[spoken[k]].text.rstrip()
        if text.endswith(","):
            return k
        if text.endswith(_ENDS_A_CLAUSE):
            return None
    return None


def _opens_a_clause_at(
    words: tuple[Word, ...], tokens: tuple[str, ...], spoken: list[int], n: int
) -> bool:
    """Whether ``spoken[n]`` starts the answer, follows a conjunction or follows punctuation."""
    return n == 0 or (
        tokens[spoken[n - 1]] in CLAUSE_CONJUNCTIONS | {"where", "when", "once", "if"}
        or words[spoken[n - 1]].text.rstrip().endswith(_ENDS_A_CLAUSE)
    )


def _abandoned_at(
    words: tuple[Word, ...], tokens: tuple[str, ...], spoken: list[int], n: int
) -> list[Candidate]:
    """A clause opening at ``spoken[n]`` that stops on an article or a possessive before it has
    a noun and starts again: "in production the once it was live", "and tuning the you tune".
    Grammar alone shows the cut, with no word said again, so this finds the fresh starts that
    share nothing with the first go."""
    if not _opens_a_clause_at(words, tokens, spoken, n):
        return []
    said = [tokens[i] for i in spoken]
    for k in range(n, min(n + MAX_FIRST_GO_WORDS, len(said) - 1)):
        if _left_hanging(words, spoken, said, k):
            first = tuple(spoken[n : k + 1])
            second = tuple(spoken[k + 1 : k + 1 + len(first) + SECOND_GO_SLACK])
            return [Candidate(words, tokens, first, second, False, model=None, abandoned=True)]
        if words[spoken[k]].text.rstrip().endswith(_ENDS_A_CLAUSE):
            break  # the clause ended before any article was left hanging
    return []


# A clause broken off by a comma on one of these needs more: a subject or a modal needs its
# verb, a preposition or "to" its object, a question word or "and" its clause ("first I'd, the
# first step is"; "you're bound by, the whole thing is bound by"). A form of "be" does not count:
# "the rule is, if the metric is flat" is said whole, and a pronoun may close a clause ("we
# can't beat that,").
_SUBJECT_LEFT = (PERSONAL_SUBJECTS - {"you"}) | WOULD_CONTRACTIONS
# "so" may close a clause ("we did so, we"); "and", "but" and "or" never do.
_JOINS_A_CLAUSE = COORDINATORS - {"so"}
_NEEDS_MORE = (
    _SUBJECT_LEFT
    | _JOINS_A_CLAUSE
    | MODALS
    | CONDITIONAL_MODALS
    | PREPOSITIONS
    | {"to", "what", "which", "where", "when", "whether"}
)
# Before a subject, these make it the end of a clause ("than I,", "so did we,").
_SUBJECT_CAN_CLOSE = BE_FORMS | DO_FORMS | MODALS | CONDITIONAL_MODALS | {"than", "as", "and"}
# A fresh clause or noun phrase after a subject left on its own ("first I, the first thing").
_STARTS_AFRESH = (
    DETERMINERS | QUANTIFIERS | NUMBER_WORDS | WH_WORDS | _SUBJECT_LEFT | {"it", "there", "one"}
)
# Asides after the comma hold the phrase open: "it went from, I'd say, point seven", "we had
# to, sort of, add some randomization". The hedges that open a clause and "kind of" are the
# tables' own spellings.
_ASIDES: tuple[tuple[str, ...], ...] = (
    *I_THINK.spellings,
    *KIND_OF.spellings,
    ("you", "know"),
    ("like",),
    ("let's", "say"),
    ("say",),
)


def _cut_at_a_comma(
    words: tuple[Word, ...], tokens: tuple[str, ...], spoken: list[int], n: int
) -> list[Candidate]:
    """A clause opening at ``spoken[n]`` broken off by a comma on a word that needs more, then
    begun afresh: the second go comes back to that word ("know which, find out which"), or, for
    a subject left without its verb, opens a new clause or noun phrase ("what I, the part I")."""
    k = _comma_ending(words, tokens, spoken, n, MAX_FIRST_GO_WORDS)
    if k is None:
        return []
    said = [tokens[i] for i in spoken]
    word, size = said[k], k - n + 1
    window = said[k + 1 : k + 1 + size + SECOND_GO_SLACK + 1]
    # A hesitation after the comma holds the phrase open too: "we ran it for, um, five weeks".
    held = spoken[k + 1] != spoken[k] + 1 or any(
        tuple(said[k + 1 : k + 1 + len(a)]) == a for a in _ASIDES
    )
    said_again = said[k + 1] == word or said[k + 1] in said[n + 1 : k + 1]
    if word not in _NEEDS_MORE or held or said_again:
        # "we, we" is a repeat, and "then in practice we, in practice we" a restart from "in":
        # the words said again are found where they begin.
        return []
    left_alone = (
        word in _SUBJECT_LEFT
        and (k == n or said[k - 1] not in _SUBJECT_CAN_CLOSE)
        and said[k + 1] in _STARTS_AFRESH
    )
    # "and," or "but," with its second clause never said: the phrase is begun again from its
    # opening word ("too much and, too much regularization and").
    begun_again = word in _JOINS_A_CLAUSE and said[k + 1] == said[n]
    if not (word in window or left_alone or begun_again):
        return []
    first = tuple(spoken[n : k + 1])
    second = tuple(spoken[k + 1 : k + 1 + size + SECOND_GO_SLACK])
    return [Candidate(words, tokens, first, second, False, model=None, cut=True)]


# What may lead a phrase said again in place of its first go's determiner: "training windows,
# the training windows lag", "that parity job, the parity job alone", "the negatives, a lot of
# the negatives were".
_LEADS_A_NOUN_PHRASE = DETERMINERS | QUANTIFIERS | {"every", "his", "her"}
_PARTITIVES: tuple[tuple[str, ...], ...] = (
    ("a", "lot", "of"),
    ("most", "of"),
    ("some", "of"),
    ("all", "of"),
    ("many", "of"),
)
ECHO_MAX_WORDS = 4


def _without_leading_determiners(said: Sequence[str]) -> list[str]:
    out = list(said)
    while out and out[0] in _LEADS_A_NOUN_PHRASE:
        out = out[1:]
    return out


def _echoed_at(
    words: tuple[Word, ...], tokens: tuple[str, ...], spoken: list[int], n: int
) -> list[Candidate]:
    """A phrase opening a clause at ``spoken[n]``, broken off by a comma and said again at once
    with its determiner added, dropped or swapped, the sentence going on: the speaker began the
    phrase afresh to shape it ("so training windows, the training windows lag"). Said again word
    for word, it is the other rules' to judge."""
    k = _comma_ending(words, tokens, spoken, n, ECHO_MAX_WORDS)
    if k is None:
        return []
    said = [tokens[i] for i in spoken]
    first = said[n : k + 1]
    core = _without_leading_determiners(first)
    if not any(word_class(w) == "content" for w in core):
        return []
    m = k + 1
    m += next((len(p) for p in _PARTITIVES if tuple(said[m : m + len(p)]) == p), 0)
    for _ in range(2):
        m += m < len(said) and said[m] in _LEADS_A_NOUN_PHRASE
    end = m + len(core)
    if (
        said[m:end] != core
        or said[k + 1 : k + 1 + len(first)] == first
        or end >= len(said)
        or words[spoken[end - 1]].text.rstrip().endswith(_ENDS_A_CLAUSE)
    ):
        return []
    first_go, second_go = tuple(spoken[n : k + 1]), tuple(spoken[k + 1 : end])
    return [Candidate(words, tokens, first_go, second_go, False, echoed=True)]


def _a_verb_form(token: str) -> bool:
    return word_class(token) in {"auxiliary", "be"} or inflected_verb(token)


def _parallel_clauses(first: Sequence[str], second: Sequence[str]) -> bool:
    """A whole clause (a subject, a verb and more) and the next one on the same subject with a
    verb in the same place: a list of what was done ("we ran the job, we ran it again", "teams
    got renamed, teams got merged"), not a clause begun again, however alike they open."""
    verb = next((k for k in range(1, min(4, len(first))) if _a_verb_form(first[k])), None)
    return (
        verb is not None
        and verb < len(first) - 1
        and len(second) > verb
        and list(second[:verb]) == list(first[:verb])
        and _a_verb_form(second[verb])
    )


def _broken_at(
    words: tuple[Word, ...],
    tokens: tuple[str, ...],
    spoken: list[int],
    n: int,
    model: RestartModel | None,
) -> list[Candidate]:
    """A clause opening at ``spoken[n]`` broken off by a comma within ``MAX_FIRST_GO_WORDS``
    words, the clause going on after it: the first go, and as its second the words after the
    comma, for the broken-off decision to weigh. Parallel clauses are left out: whatever the
    decision would make of them, two whole clauses on one subject are the speaker's list."""
    k = _comma_ending(words, tokens, spoken, n, MAX_FIRST_GO_WORDS)
    if k is None:
        return []
    second = tuple(spoken[k + 1 : k + 1 + (k - n + 1) + SECOND_GO_SLACK])
    if len(_within_clause(words, second)) < 2:
        return []
    if tokens[second[0]] in _JOINS_AN_ITEM and tokens[spoken[n]] != tokens[second[0]]:
        return []
    if _parallel_clauses([tokens[i] for i in spoken[n : k + 1]], [tokens[i] for i in second]):
        return []
    first = tuple(spoken[n : k + 1])
    return [Candidate(words, tokens, first, second, False, model=model, broken=True)]


def _switched_at(
    words: tuple[Word, ...],
    tokens: tuple[str, ...],
    spoken: list[int],
    n: int,
    model: RestartModel | None,
) -> list[Candidate]:
    """First goes of up to ``SHORT_FIRST_GO_WORDS`` words followed by another word of the opening
    word's class: "I built we built", "for the in the meantime"."""
    said = [tokens[i] for i in spoken]
    kind = switch_class(said[n])
    if kind is None:
        return []
    out = []
    # One word switched is a fresh start only for a subject ("we I built"): "so that a".
    for size in range(1 if kind == "subject" else 2, SHORT_FIRST_GO_WORDS + 1):
        again = n + size
        if again >= len(said) or said[again] == said[n] or switch_class(said[again]) != kind:
            continue
        second = tuple(spoken[again : again + size + SECOND_GO_SLACK])
        first = tuple(spoken[n:again])
        out.append(Candidate(words, tokens, first, second, False, True, model))
    return out


# A phrase of at least this many words said this many times in a row or more is the recogniser
# looping, not the speaker: tiny.en wrote "ladies and gentlemen" three and thirteen times over
# a stretch of synthesized speech that never said it. A speaker stumbling says a phrase twice
# and goes on; no labelled answer (140 coaching, 400 filler) holds a phrase said three times.
# One word said three times ("the the the") is left to the rules: a speaker does stutter so.
LOOP_MIN_TIMES = 3
LOOP_MIN_WORDS = 2


@dataclass(frozen=True, slots=True)
class Loop:
    """A phrase the recogniser wrote over and over: one event, whatever ``times`` is."""

    text: str
    times: int
    start: float
    end: float
    word_indices: tuple[int, ...]  # every word of the run


def find_loops(words: Sequence[Word], skip: Collection[int] = ()) -> list[Loop]:
    """Runs of one phrase of ``LOOP_MIN_WORDS`` to ``MAX_PHRASE_WORDS`` words said
    ``LOOP_MIN_TIMES`` times or more in a row (see ``LOOP_MIN_TIMES``)."""
    tokens = tuple(w.norm for w in words)
    spoken = _spoken(tokens, skip)
    said = [tokens[i] for i in spoken]
    out = []
    n = 0
    while n < len(said):
        run = _loop_at(said, n)
        if run is None:
            n += 1
            continue
        size, times = run
        indices = tuple(spoken[n : n + size * times])
        text = " ".join(said[n : n + size])
        out.append(Loop(text, times, words[indices[0]].start, words[indices[-1]].end, indices))
        n += size * times
    return out


def _loop_at(said: Sequence[str], n: int) -> tuple[int, int] | None:
    """The shortest phrase starting at ``n`` said ``LOOP_MIN_TIMES`` times or more, as (words,
    times)."""
    for size in range(LOOP_MIN_WORDS, MAX_PHRASE_WORDS + 1):
        phrase = said[n : n + size]
        times = 1
        while said[n + times * size : n + (times + 1) * size] == phrase:
            times += 1
        if times >= LOOP_MIN_TIMES and len(set(phrase)) > 1:
            return size, times
    return None


def candidates(words: Sequence[Word], skip: Collection[int] = ()) -> list[Candidate]:
    """Every candidate in ``words`` at every word, whatever the rules make of it (for fitting the
    restart decisions)."""
    words = tuple(words)
    tokens = tuple(w.norm for w in words)
    spoken = _spoken(tokens, skip)
    return [c for n in range(len(spoken)) for c in _candidates_at(words, tokens, spoken, n)]


def find_repetitions(
    words: Sequence[Word],
    skip: Collection[int] = (),
    model: RestartModel | None = None,
    broken_model: RestartModel | None = None,
) -> list[Repetition]:
    """The repeats and restarts in ``words``, in order (the models: see
    ``explain_repetitions``)."""
    out = []
    for c, rule in explain_repetitions(words, skip, model, broken_model):
        if rule.verdict == "content":
            continue
        end = c.second[-1] if c.exact else min(c.second[-1], c.second[0] + len(c.first) - 1)
        out.append(
            Repetition(
                rule.verdict,
                " ".join(c.phrase),
                c.words[c.first[0]].start,
                c.words[end].end,
                c.first,
                rule.name,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Overused words

# Words that carry grammar, not content: never "overused".
_OTHER_FUNCTION_WORDS = frozenset(
    [
        "to", "not", "no", "yes", "than", "then", "there", "here", "have", "has", "had", "having",
        "it's", "that's", "there's", "we're", "they're", "i'm", "i've", "we've", "don't", "didn't",
        "doesn't", "isn't", "wasn't", "aren't", "weren't", "can't", "won't", "also", "just", "only",
        "very", "really", "if", "because", "as", "about", "also", "other", "one", "two", "three",
        "into", "out", "up", "s", "t", "them", "their", "our", "us", "my", "me", "your", "his",
        "her", "its", "these", "those", "this", "that", "which", "who", "whom", "get", "got",
        "make", "made", "go", "went", "said", "say", "like", "know", "mean", "think"
    ]
)  # fmt: skip
_FUNCTION_WORDS = (
    ARTICLES
    | DETERMINERS
    | PREPOSITIONS
    | SUBJECT_PRONOUNS
    | OBJECT_PRONOUNS
    | SUBJECT_CONTRACTIONS
    | MODALS
    | CONDITIONAL_MODALS
    | BE_FORMS
    | DO_FORMS
    | COORDINATORS
    | QUANTIFIERS
    | WH_WORDS
    | POSSESSIVE_DETERMINERS
    | _OTHER_FUNCTION_WORDS
)
# A word must be said at least this often to be overused at all.
OVERUSED_MIN_COUNT = 4
# ... and make up more than this share of the answer's content words. In a typical answer the
# commonest content word is a few percent of them; ten percent is one word in every ten.
OVERUSED_MIN_SHARE = 0.1


@dataclass(frozen=True, slots=True)
class Overused:
    """A content word said far more often than the answer's length explains."""

    text: str
    count: int
    share: float  # of the answer's content words
    times: tuple[float, ...]  # when each was said


def overused(
    words: Sequence[Word], skip: Collection[int] = (), allowed: Collection[str] = ()
) -> list[Overused]:
    """Content words said at least ``OVERUSED_MIN_COUNT`` times and more than
    ``OVERUSED_MIN_SHARE`` of the content words; ``allowed`` words (the question's own terms)
    are expected to come back and never count."""
    content = [
        (i, w.norm)
        for i, w in enumerate(words)
        if i not in skip
        and len(w.norm) > 2
        and w.norm not in _FUNCTION_WORDS
        and w.norm not in allowed
        and not hesitation_form(w.norm)
        and not w.norm[:1].isdigit()
    ]
    if not content:
        return []
    counts = Counter(token for _i, token in content)
    out = []
    for token, count in counts.most_common():
        share = count / len(content)
        if count < OVERUSED_MIN_COUNT or share <= OVERUSED_MIN_SHARE:
            continue
        times = tuple(words[i].start for i, t in content if t == token)
        out.append(Overused(token, count, round(share, 3), times))
    return out
