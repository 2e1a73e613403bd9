"""Filler words: which recognised words are hesitations or verbal padding rather than content.

Pure functions over ``Word`` lists. Hesitations (um, uh, er, hmm in any spelling or length) are
always fillers. Discourse markers ("like", "you know", "I mean", "kind of", ...) double as content
("tools like Spark", "this kind of model", "I mean the test set"), so each has a context rule.
Whisper's punctuation is part of that context: it sets spoken fillers off with commas.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rehearse.text.lexicon import can_be_a_noun, irregular_past, only_a_verb, word_classes
from rehearse.text.words import Word, hesitation_form, normalise

FillerKind = Literal["hesitation", "discourse", "custom"]

# Words before "like" that make it a verb or a preposition of comparison, i.e. content, even
# with pauses around it ("I like boosting", "what the data should look like, and…").
_LIKE_CONTENT_BEFORE = frozenset(
    [
        "i", "we", "you", "they", "he", "she", "do", "does", "did", "don't", "didn't", "look",
        "looks", "looked", "looking", "seem", "seems", "seemed", "feel", "feels", "felt", "sound",
        "sounds", "sounded", "something", "anything", "nothing", "things", "stuff", "much", "more",
        "less", "exactly", "just", "very", "really", "also", "not",
    ]
)  # fmt: skip
# "I'd like two", but "I'd, like, keep one": after these, only commas or pauses around "like"
# make it padding, and not even they when what is wanted follows ("I'd like the model to…").
_WANTING = frozenset(["would", "'d", "i'd", "we'd", "you'd", "they'd", "should", "could", "might"])
_WANTED = frozenset(
    ["to", "people", "everyone", "everybody", "every", "each", "all", "some", "more"]
)
# A form of "be" before "like": "it's like a funnel" compares (content), "it's like far worse",
# "that's like still useful" and "the error is like much higher" pad.
_COPULAS = frozenset(
    ["is", "was", "are", "were", "be", "been", "being", "it's", "that's", "'s", "what's"]
)
_COMPARED = frozenset(["a", "an", "what", "when", "how", "if", "this", "that"])
# After "like" these say "about" (an approximation: "spent like three weeks") or hedge a degree
# ("like far worse", "like really slow"): padding wherever "like" stands, unless a verb of liking
# or seeming comes first ("I'd like two", "looks like far less").
_APPROXIMATED = frozenset(
    [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twenty",
        "fifty", "hundred", "a hundred", "thousand", "half", "a few", "far", "much", "way",
        "still", "really", "totally", "completely", "super", "almost", "nearly", "maybe",
        "basically", "literally", "so", "very", "twice",
    ]
)  # fmt: skip
# "cut the error by like a third", "like a few hundred": after "like a", an amount.
_AMOUNTS = frozenset(
    [
        "third", "quarter", "half", "few", "couple", "dozen", "hundred", "thousand", "million",
        "minute", "hour", "day", "week", "month", "year", "afternoon", "morning", "evening",
        "night", "weekend", "sprint", "second", "fifth", "tenth",
    ]
)  # fmt: skip
# "like nine hours", "like several weeks", and tiny.en's "like high hours": a span of time.
_SPANS = frozenset(["seconds", "minutes", "hours", "days", "weeks", "months", "years"])
# "sources, like a two tower model", "small things, like whether a timezone": after a noun set
# off by a comma or a pause, "like" introduces examples (content), unless what follows is an
# amount, a degree or a clause of its own ("transactions, like, millions of rows").
_NOT_EXAMPLES = frozenset(
    [
        "every", "all", "most", "about", "around", "only", "just", "even", "millions",
        "hundreds", "thousands", "dozens", "tens", "thirty", "forty", "sixty", "seventy",
        "eighty", "ninety", "eleven", "twelve", "fifteen", "it's", "that's", "there's", "i",
        "we", "you", "they", "he", "she", "it", "i'm", "we're", "you're", "they're", "i'd",
        "we'd", "i've", "we've", "always", "never", "straight", "actually", "honestly",
    ]
)  # fmt: skip
# Words the lexicon also lists as nouns that cannot have examples: "I, like, always", "end up,
# like, spamming", "not some, like, infinite horizon".
_NOT_NAMES = frozenset(
    [
        "i", "you", "we", "they", "he", "she", "it", "that", "this", "which", "what", "who",
        "them", "us", "me", "up", "down", "out", "off", "in", "on", "over", "back", "there",
        "here", "now", "then", "some", "any", "each", "all", "these", "those", "my", "our",
        "your", "their", "its", "many", "much", "more", "most", "few",
    ]
)  # fmt: skip
# "dropped by like a third," as tiny.en hears espeak: "dropped, I like a third,".
_SUBJECT_PRONOUNS = frozenset(["i", "we", "you", "they"])
_FRACTIONS = frozenset(["third", "quarter", "half", "fifth", "tenth"])
# "you can like audit every decision": after a modal that is not about wanting, "like" before a
# verb pads (the verb "like" takes an object: "users will like it").
_MODALS = frozenset(["can", "cannot", "can't", "will", "won't", "must", "may", "'ll"])
# "with like a monthly review", "dropped by like a third": a preposition takes its object, and
# "like" in between pads it ("of" and "over" are left out: "sort of like a funnel", "handed work
# over like a relay" compare).
_PREPOSITIONS = frozenset(
    [
        "with", "for", "in", "on", "at", "from", "into", "about", "after", "during", "within",
        "through", "by", "than", "around", "under", "across", "per", "onto", "until",
    ]
)  # fmt: skip
# How tiny.en hears espeak's "sort of" when it is not "sort on": "were sought on outdated", "I
# thought on 40 %", "it was hot on flat". Before a noun phrase, or after a determiner, they are
# what they say ("any thought on the design", "hot on the heels").
_SORT_OF_HEARD = frozenset(["sought", "thought", "hot"])
_PARTICLES = frozenset(["out", "off", "up", "apart", "down", "away", "back"])
# Words before "like" that mark it as padding even without commas ("and like the recall").
_LIKE_FILLER_BEFORE = frozenset(["and", "but", "so", "or", "because", "um", "uh", "er"])
# "unless you know every user saw it", "once you know each source": a condition or a time is
# about knowing something.
_KNOW_CONTENT_BEFORE = frozenset(
    [
        "do", "did", "don't", "didn't", "if", "as", "would", "might", "what", "whether", "to",
        "unless", "once", "since", "when", "until",
    ]
)  # fmt: skip
# "you know the label", "you know how", "You know you need one": "know" has an object.
_KNOW_CONTENT_AFTER = frozenset(
    [
        "you",
        "we",
        "they",
        "i",
        "what",
        "how",
        "that",
        "the",
        "why",
        "whether",
        "when",
        "where",
        "if",
        "about",
        "it",
        "this",
        "them",
        "him",
        "her",
        "more",
        "a",
        "an",
        "which",
        "who",
        "your",
        "our",
        "my",
        "their",
    ]
)
_PADDED_SUBJECTS = frozenset(["it", "they", "we", "you", "a", "an", "that", "he", "she"])
_MEAN_CONTENT_BEFORE = frozenset(["what", "do", "did", "don't", "you", "which", "that"])
_MEAN_FILLER_AFTER = frozenset(
    [
        "we",
        "you",
        "they",
        "i",
        "he",
        "she",
        "there",
        "that's",
        "it's",
        "honestly",
        "basically",
        "like",
        "um",
        "uh",
        "so",
        "yeah",
        "if",
        "when",
        "in",
        "better",
        "worse",
        "really",
        "sure",
        "well",
        "okay",
    ]
)
_KIND_CONTENT_BEFORE = frozenset(
    [
        "this",
        "that",
        "these",
        "those",
        "what",
        "which",
        "a",
        "an",
        "the",
        "some",
        "any",
        "every",
        "each",
        "one",
        "same",
        "different",
        "other",
        "another",
        "whatever",
    ]
)
# After these, "kind of" may hedge a verb ("that kind of kills the sale", "which sort of helped"):
# they stand alone as subjects, where "a", "the" or "what" need the noun.
_KIND_SUBJECTS = frozenset(["that", "which", "this"])
_CONTRACTED_KIND = frozenset(["kinda", "sorta"])
_CLAUSE_STARTERS = frozenset(["and", "but", "so", "or", "because", "then"])
_DETERMINERS = frozenset(
    ["a", "an", "the", "this", "that", "these", "those", "my", "our", "your", "their", "its"]
)
_KIND_ADJECTIVES = frozenset(
    [
        "first", "second", "third", "fourth", "last", "next", "same", "other", "different",
        "new", "right", "wrong", "only", "main", "worst", "best", "whole", "particular",
        "specific", "certain", "usual", "typical", "classic", "common", "rare", "nasty",
        "subtle", "obvious", "simple", "hard", "easy",
    ]
)  # fmt: skip
# "a kind of curved relationship", "a sort of two tower model": after a determiner, "kind of"
# still hedges when an adjective or a number follows, where the content use needs a noun.
_NUMBERS = frozenset(
    ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "half"]
)
_ADJECTIVE_ENDINGS = ("ed", "ive", "ous", "ful", "less", "able", "ible", "ish")
_HEDGED_ADJECTIVES = frozenset(
    [
        "big", "small", "good", "bad", "hard", "easy", "new", "old", "long", "short", "high",
        "low", "random", "weird", "slow", "fast", "similar", "obvious", "messy", "noisy", "tricky",
        "odd", "strange", "rough", "fuzzy", "hacky", "clunky", "fragile", "brittle",
    ]
)  # fmt: skip
# "literally" keeps its literal sense in "take it literally", "quite literally" (degree words
# only modify the literal sense) and "literally the same code" (exactly the same).
_LITERAL_DEGREE = frozenset(["quite", "more", "too", "so", "not", "very", "less", "rather"])
_LITERAL_SAME = frozenset(["same", "identical"])
# "I mean it, don't build one", "I mean it." : "it" is the object of "mean" when a clause ends
# after it or a word follows that cannot have "it" as its subject.
_NOT_AFTER_IT = frozenset(["don't", "do", "never", "please", "and", "but", "so", "because"])
_MEANT = frozenset(["it", "that"])
# "I mean that literally", "I mean it seriously": the adverb says how the object is meant.
_SINCERELY = frozenset(["literally", "seriously", "sincerely", "honestly"])
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
# "take it literally,", "read that literally, so": a clause-final "literally" after an object.
_OBJECTS = frozenset(["it", "that", "this", "them", "everything", "anything", "me", "us"])
_READING = frozenset(
    ["take", "takes", "took", "taken", "taking", "read", "reads", "reading", "interpret", "meant"]
)
_TIMES = frozenset(
    ["forever", "ages", "a", "an", "hours", "days", "weeks", "months", "years", "all", "every"]
)
_CLAUSE_GOES_ON = frozenset(["is", "was", "and", "so", "but", "too", "either", "because"])
# Words right before "literally" that show no object stands between it and a verb of reading.
_NOT_AN_OBJECT = _READING | _OBJECTS | _COPULAS
# "an underpowered test literally cannot detect it": before a negated modal, "literally" says
# the thing is really impossible.
_NEGATED_MODALS = frozenset(["cannot", "can't", "couldn't", "won't", "wouldn't", "mustn't"])
# "By drift I mean a change", "When I say judge, I mean a model": defining a word is content.
_DEFINING = frozenset(["say", "said", "says", "saying"])
_SENTENCE_END = (".", "?", "!")


@dataclass(frozen=True, slots=True)
class Filler:
    """A filler occurrence; ``text`` is its normalised lower-case form ("um", "you know")."""

    text: str
    kind: FillerKind
    start: float
    end: float
    word_indices: tuple[int, ...]


def find_fillers(
    words: Sequence[Word], extra: Iterable[str] = (), paused: Collection[int] = ()
) -> list[Filler]:
    """Every filler in ``words``, in order. ``extra`` adds the user's own always-filler phrases.

    ``paused`` holds the indices of words with a pause just before them in the sound, which sets
    a word off like a comma the transcript may have left out ("was, literally, untouched").
    """
    tokens = [w.norm for w in words]
    custom = [tuple(normalise(t) for t in phrase.split()) for phrase in extra if phrase.strip()]
    found: list[Filler] = []
    i = 0
    while i < len(words):
        match = _match_at(words, tokens, i, custom, paused)
        if match is None:
            i += 1
            continue
        text, kind, length = match
        indices = tuple(range(i, i + length))
        found.append(Filler(text, kind, words[i].start, words[i + length - 1].end, indices))
        i += length
    return found


def _match_at(
    words: Sequence[Word],
    tokens: list[str],
    i: int,
    custom: list[tuple[str, ...]],
    paused: Collection[int] = (),
) -> tuple[str, FillerKind, int] | None:
    token = tokens[i]
    for phrase in custom:
        if tuple(tokens[i : i + len(phrase)]) == phrase:
            return " ".join(phrase), "custom", len(phrase)
    canonical = hesitation_form(token)
    if canonical:
        return canonical, "hesitation", 1

    # The word before counts only within the sentence: "…loved that. I mean, we're off" is not
    # "that I mean".
    sentence_start = i == 0 or _ends_sentence(words[i - 1].text)
    before = "" if sentence_start else tokens[i - 1]
    after = _token_at(tokens, i + 1)
    after2 = _token_at(tokens, i + 2)
    set_off_before = i == 0 or _ends_clause(words[i - 1].text)
    comma_after = words[i].text.rstrip().endswith(",")

    if token == "like":
        set_off = set_off_before or i in paused
        if set_off and _gives_an_example(before, after, after2, words, tokens, i):
            return None
        if set_off_before and comma_after:
            return "like", "discourse", 1
        # "I'd, uh, like to add": a hesitation between does not change what "like" follows.
        if hesitation_form(before) and i > 1 and not _ends_sentence(words[i - 2].text):
            before = tokens[i - 2]
        # A subject does not like "a third,": an amount that closes the clause is approximated.
        fraction = after == "a" and after2 in _FRACTIONS and _ends_clause(words[i + 2].text)
        if before in _SUBJECT_PRONOUNS and fraction:
            return "like", "discourse", 1
        if before in _LIKE_CONTENT_BEFORE:
            return None
        if before in _PREPOSITIONS:
            return "like", "discourse", 1
        if before in _WANTING and (after in _WANTED or after in _DETERMINERS or after in _OBJECTS):
            return None
        # "I'd, like, keep a slice" heard without commas: the pauses still set it off.
        if set_off and (comma_after or i + 1 in paused):
            return "like", "discourse", 1
        if before in _WANTING:
            return None
        if before in _MODALS and "VERB" in word_classes(after) and after not in _OBJECTS:
            return "like", "discourse", 1
        # "people like expect a number": what is liked or compared to cannot be a bare verb
        # (that takes "to" or "-ing"), so "like" pads it. A verb form followed by a comma or a
        # noun is more likely a misheard noun: "a model like distill bird".
        if _starts_a_verb_phrase(words, tokens, i + 1):
            return "like", "discourse", 1
        if _approximates(after, after2):
            return "like", "discourse", 1
        if before in _COPULAS:
            # "it's like giving the underdog a ticket": like an action, a comparison too.
            compared = after in _COMPARED or (len(after) > 4 and after.endswith("ing"))
            return None if compared else ("like", "discourse", 1)
        if comma_after or before in _LIKE_FILLER_BEFORE:
            return "like", "discourse", 1
        return None
    if token == "you" and after == "know":
        # "you know, the", "you know... the", "you know?": punctuation after "know" sets it off,
        # and with a comma before too it pads whatever precedes it ("saw it as, you know, a…").
        know_comma = _ends_clause(words[i + 1].text)
        if before in _KNOW_CONTENT_BEFORE and not (set_off_before and know_comma):
            return None
        if know_comma or after2 not in _KNOW_CONTENT_AFTER:
            return "you know", "discourse", 2
        # "and you know they adapt", "but you know a warmup fixed it": after a conjunction that
        # starts the clause, "you know" pads the clause's own subject.
        if before in ("and", "but", "because") and after2 in _PADDED_SUBJECTS:
            return "you know", "discourse", 2
        return None
    if token == "i" and after == "mean":
        if _defines_a_word(words, tokens, i) or _means_an_object(words, tokens, i + 2):
            return None
        mean_comma = _ends_clause(words[i + 1].text)
        # "rates which, I mean, can have reasons": set off on both sides, it pads the clause.
        if set_off_before and mean_comma:
            return "i mean", "discourse", 2
        if before in _MEAN_CONTENT_BEFORE:
            return None
        # "because I mean half the noise": a conjunction starts the clause and "I mean" pads it,
        # unless a noun phrase follows ("and I mean the real one").
        padded_clause = before in _CLAUSE_STARTERS and after2 not in _DETERMINERS
        if mean_comma or after2 in _MEAN_FILLER_AFTER or not after2 or padded_clause:
            return "i mean", "discourse", 2
        return None
    # tiny.en also writes "kind of" as "kind on", which is hardly ever content, and "sort of" as
    # "sort on", which is content before a noun ("sort on price").
    if (
        (token in ("kind", "sort") and after == "of")
        or token in _CONTRACTED_KIND
        or (token == "kind" and after == "on")
        or (token == "sort" and after == "on" and _sort_on_hedges(words, tokens, i))
        or (token in _SORT_OF_HEARD and after == "on" and _heard_as_sort_of(before, after2))
    ):
        # "kinda" and "sorta" are the phrase in one word; ``last`` is the index of its "of".
        last = i if token in _CONTRACTED_KIND else i + 1
        following = _token_at(tokens, last + 1)
        if following == "":
            return None
        before2 = tokens[i - 2] if i > 1 else ""
        # "this kind of", and with an adjective between: "the first kind of", "a new sort of".
        # "the simplest sort of check", "the worst kind of bug": superlatives pick a type too.
        described = before in _KIND_ADJECTIVES or _superlative(before)
        determined = before in _KIND_CONTENT_BEFORE or (
            before2 in _DETERMINERS and described and not set_off_before
        )
        # "which, kind of, sounds boring": set off on both sides, it pads whatever precedes it.
        set_off = (set_off_before or i in paused) and (
            _ends_clause(words[last].text) or last + 1 in paused
        )
        then = _token_at(tokens, last + 2)
        acts = before in _KIND_SUBJECTS and _acts(following, then)
        if determined and not _hedged(following, then) and not set_off and not acts:
            return None
        heard_as = "sort of" if token in _SORT_OF_HEARD else f"{token[:4]} of"
        return heard_as, "discourse", last - i + 1
    if token == "basically":
        # A sentence adverb that adds nothing to what it frames, with or without commas.
        return token, "discourse", 1
    if token == "literally":
        clause_final = not after or _ends_sentence(words[i].text)
        # "was literally the escalation flag" says it really was; a superlative after "the" is
        # an exaggeration ("literally the longest week", "literally the most boring job").
        superlative = after2 in ("most", "best", "worst") or _superlative(after2)
        same = after in _LITERAL_SAME or (after == "the" and not superlative)
        if before in _LITERAL_DEGREE or same or (after in _NEGATED_MODALS and not set_off_before):
            return None
        if clause_final and not set_off_before:
            return None
        set_off = set_off_before or comma_after or i in paused
        if before in _COPULAS and not set_off and _describes_state(after):
            return None
        # "take it literally, so", "took it literally as a verdict", "take the system prompt
        # literally, it says…": how an object is read, after it or a verb of reading.
        read = before in _OBJECTS or _read_as(words, tokens, i)
        if (comma_after or after == "as") and not set_off_before and read:
            return None
        # "take the style rules literally either", "one rule I take literally is": after a verb
        # of reading and its object, or right after the verb with the clause going on, it says
        # how something is read. "It took us literally two days" and "took literally forever"
        # measure a time instead.
        if read and not set_off_before and after not in _TIMES and after not in _NUMBERS:
            object_between = before not in _NOT_AN_OBJECT
            if object_between or after in _CLAUSE_GOES_ON:
                return None
        return token, "discourse", 1
    return None


def _hedged(token: str, after: str) -> bool:
    """Whether ``token`` reads as an adjective or a number, which "a kind of" can hedge."""
    if token in _NUMBERS or token in _HEDGED_ADJECTIVES or token.replace(".", "").isdigit():
        return True
    # By its ending alone, a word is an adjective only with a noun to describe: "the kind of
    # fixed that works" is "fix" misheard.
    describes = after not in _DETERMINERS and after not in ("which", "who")
    return len(token) > 4 and token.endswith(_ADJECTIVE_ENDINGS) and describes


def _acts(token: str, after: str) -> bool:
    """Whether ``token`` reads as a verb after "that kind of": "gave us", "closed the gap"."""
    classes = word_classes(token)
    if "VERB" not in classes or "AUX" in classes or token.endswith("ing"):
        return False
    has_object = after in _DETERMINERS or after in _OBJECTS
    if can_be_a_noun(token):
        # "that kind of search saved us" names a type; "that kind of kills the sale" has the -s
        # of a verb and an object.
        return token.endswith("s") and has_object
    return classes == {"VERB"} or has_object


def _starts_a_verb_phrase(words: Sequence[Word], tokens: list[str], k: int) -> bool:
    """Whether ``tokens[k]`` is a verb, not an -ing form, with its object or adverb after it."""
    token = tokens[k]
    if k + 1 >= len(tokens) or token.endswith("ing") or words[k].text.rstrip().endswith(","):
        return False
    following = tokens[k + 1]
    if only_a_verb(token):
        # A participle before a noun describes it: "features like filled values".
        if token.endswith("ed") and following not in _OBJECTS and can_be_a_noun(following):
            return False
        return following in _OBJECTS or word_classes(following) != {"NOUN"}
    # An irregular past form that is also a noun or an adjective ("fell", "left") is the verb
    # when no noun follows it: "the rate like fell off a cliff".
    return irregular_past(token) and not can_be_a_noun(following)


def _gives_an_example(
    before: str, after: str, after2: str, words: Sequence[Word], tokens: list[str], i: int
) -> bool:
    """Whether "like" at ``i``, after a noun, introduces examples of it: "metrics, like conversion
    rate", "career stuff, like, how to push back"; not "transactions, like, millions of rows".

    ``before`` is "" at the start of a sentence, and ``after2`` is the word after ``after``.
    """
    if not before or not after:
        return False
    classes = word_classes(before)
    if "NOUN" not in classes or "AUX" in classes or before in _NOT_NAMES:
        return False
    if before in _COPULAS or before in _LIKE_FILLER_BEFORE or after in _NOT_EXAMPLES:
        return False
    if _approximates(after, after2):
        return False
    return not _starts_a_verb_phrase(words, tokens, i + 1)


def _approximates(after: str, after2: str) -> bool:
    """Whether "like" before ``after`` and ``after2`` approximates an amount or hedges a degree:
    "like three weeks", "it was like a two minute switch", "like a 4 % lift", "like as much as",
    "like suspiciously great", "complained, like constantly"."""
    if after in _APPROXIMATED or after.replace(".", "").isdigit():
        return True
    amount = after2 in _AMOUNTS or after2 in _NUMBERS or after2.replace(".", "").isdigit()
    if after in ("a", "an") and amount:
        return True
    if after2 in _SPANS and after not in _DETERMINERS:
        return True
    if after == "as" and after2 in ("much", "many", "long", "often", "big"):
        return True
    return after.endswith("ly") and word_classes(after) == {"ADV"}


def _sort_on_hedges(words: Sequence[Word], tokens: list[str], i: int) -> bool:
    """Whether "sort on" at ``i`` is a mishearing of "sort of": "sort on, stopped", "sort on
    invent", "sort on a third", but not "sort on price" or "sort on predicted risk"."""
    if words[i + 1].text.rstrip().endswith(","):
        return True
    following = _token_at(tokens, i + 2)
    if following == "a":
        return _token_at(tokens, i + 3) in _AMOUNTS
    classes = word_classes(following)
    after = _token_at(tokens, i + 3)
    # "sort on half automated", "sort on fall out of that": a degree, or a verb with its
    # particle, where a noun to sort on would stand.
    if following in _APPROXIMATED or ("VERB" in classes and after in _PARTICLES):
        return True
    if not classes or can_be_a_noun(following):
        return False
    # A participle before a noun describes it: "sort on predicted risk".
    return not (following.endswith("ed") and can_be_a_noun(after))


def _heard_as_sort_of(before: str, following: str) -> bool:
    """Whether "sought on", "thought on" or "hot on", with ``following`` after it, is "sort of"."""
    if not following or before in _DETERMINERS or before in ("any", "some", "no", "one"):
        return False
    return (
        following not in _DETERMINERS
        and following not in _OBJECTS
        and following not in ("how", "what", "whether", "why", "his", "her", "him", "you", "me")
    )


def _ends_at(words: Sequence[Word], tokens: list[str], k: int, stops: frozenset[str]) -> bool:
    """Whether a clause ends after word ``k``: punctuation, the end, or a word in ``stops``."""
    if k >= len(tokens):
        return False
    if k + 1 == len(tokens) or words[k].text.rstrip().endswith((",", ";", ":", *_SENTENCE_END)):
        return True
    return tokens[k + 1] in stops


def _means_an_object(words: Sequence[Word], tokens: list[str], k: int) -> bool:
    """Whether "I mean" has ``tokens[k]`` as its object: "I mean it.", "I mean that literally"."""
    if k >= len(tokens) or tokens[k] not in _MEANT:
        return False
    if _ends_at(words, tokens, k, _NOT_AFTER_IT):
        return True
    # The adverb must close the clause: in "I mean, that literally never happened" it does not.
    return (
        k + 1 < len(tokens)
        and tokens[k + 1] in _SINCERELY
        and _ends_at(words, tokens, k + 1, frozenset())
    )


def _read_as(words: Sequence[Word], tokens: list[str], i: int) -> bool:
    """Whether a verb of taking or reading comes up to four words before ``i``, in its clause."""
    for k in range(i - 1, max(-1, i - 5), -1):
        # "…biased toward obvious takes. We were literally": that verb's clause is over.
        if _ends_clause(words[k].text):
            return False
        if tokens[k] in _READING:
            return True
    return False


def _describes_state(token: str) -> bool:
    """Whether ``token`` reads as a participle or an adjective of state ("mislabelled")."""
    return token in _STATE_WORDS or (len(token) > 4 and token.endswith(_STATE_ENDINGS))


def _defines_a_word(words: Sequence[Word], tokens: list[str], i: int) -> bool:
    """Whether "I mean" at ``i`` defines a term: "By drift I mean…", "When I say X, I mean…"."""
    # "regularisation by capacity I mean": "by" and a term of one or two words, no comma between.
    for k in (i - 2, i - 3):
        if k >= 0 and tokens[k] == "by" and not any(_ends_clause(w.text) for w in words[k:i]):
            return True
    for k in range(i - 1, max(-1, i - 9), -1):
        if _ends_sentence(words[k].text):
            return False  # "I" opens a sentence: nothing before it belongs to this one
        if tokens[k] in _DEFINING:
            return True
        if k == 0 or _ends_sentence(words[k - 1].text):
            # "By drift, I mean…", "And by rare, I mean…": the sentence opens with the term.
            return tokens[k] == "by" or (tokens[k] in _CLAUSE_STARTERS and tokens[k + 1] == "by")
    return False


def _superlative(token: str) -> bool:
    """Whether ``token`` has a superlative's ending: "simplest", "longest"."""
    return len(token) > 4 and token.endswith("est")


def _token_at(tokens: list[str], k: int) -> str:
    """``tokens[k]``, or "" past the end."""
    return tokens[k] if k < len(tokens) else ""


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_SENTENCE_END)


def _ends_clause(text: str) -> bool:
    return text.rstrip().endswith((",", ".", "?", "!", ";", ":", "-", "—"))
