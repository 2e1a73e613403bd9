"""The evidence that one sentence covers one rubric point, as numbers a decision can weigh.

Each signal alone is weak: an on-topic answer has some sentence close in meaning to every point,
and people rarely say a point in the rubric's words. Together they separate covered from not:

- ``phrase``: the best fuzzy hit of one of the point's phrases in the sentence: the rubric's
  author said that wording covers the point, so a hit counts by itself;
- ``lemma``: how much of the point's wording (label, phrases, examples) the sentence shares,
  compared as word stems so "evaluated" meets "evaluation" and word order does not matter, each
  stem weighted by how specific it is to this point among the question's points;
- ``meaning``: the closest cosine similarity between the sentence and the point's label and
  examples (a sentence-embedding model);
- ``margin``: that similarity against the best of the question's other points: a sentence about
  the evaluation is closer to the evaluation point than to the impact point;
- ``best``: whether this point is the sentence's closest in meaning, and ``meaning_z``, how far
  above the sentence's average similarity to the question's points it is;
- ``lemma_margin``: the shared wording against the best of the other points;
- ``substance``: how many content words the sentence has (up to six): a short aside says little;
- ``hedges``: vague talk around the topic ("some kind of dashboard, obviously", "I'd probably
  just use ...", "it depends"), up to two;
- ``phrase``: how closely one of the point's phrases was heard (0-1, when at least 0.9);
- ``not_margin``: how much closer the sentence is in meaning to the point's ``not`` examples
  (what a near miss sounds like) than to its label and examples (0 for a point with none);
- ``specific``: numbers, amounts and units: substance is measured, a mention is not;
- ``done``: the sentence reports something that happened (past tense verbs, up to two);
- ``unreal``: a wish, plan or habit rather than something done or held ("we'd have",
  "at some point", "I usually just", "the plan is"), up to two;
- ``meaning_top3``: the mean similarity to the point's three closest cues: one lucky example
  close to an aside counts for less than several that agree;
- ``stance``: whether the sentence delivers what it talks about or only touches it ("it went
  live, and I moved teams, so the impact numbers were someone else's"): a logistic read-out of
  the meaning of the sentence and of its last clause (``stance_clause``), fitted on the dev
  answers' covering sentences against their near misses, the same for every point (a logit;
  0 when the weights file has no read-out);
- ``follow_disclaims`` and ``follow_stance``: whether the next sentence disclaims, and its
  stance (at most 0), when it goes on with this one (``continues``): the recogniser cuts
  sentences where the writer did not, and "Once it's live you'd monitor it and all that. I
  haven't really thought that part through." leaves the topic in one sentence and the
  disclaimer in the next;
- ``window``: whether the unit is two consecutive sentences judged as one.

A phrase hit counts by itself only in a ``plain`` sentence (no hedge, no wish or plan).

A sentence that ``disclaims`` (denies or waves the topic away: "I don't know what the impact
was", "we never set that up", "people say ..., but") covers nothing, whatever it names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from rehearse.language.phrases import could_be_said, find_phrase
from rehearse.language.rubric import Point
from rehearse.text.sentences import Sentence
from rehearse.text.words import Word

# What the fitted decision weighs; a phrase hit is not among them: it counts on its own.
FEATURES = (
    "lemma",
    "meaning",
    "margin",
    "best",
    "meaning_z",
    "lemma_margin",
    "substance",
    "hedges",
    "phrase",
    "not_margin",
    "specific",
    "done",
    "unreal",
    "meaning_top3",
    "stance",
    "follow_disclaims",
    "follow_stance",
    "window",
)

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "so",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "it's",
        "this",
        "that",
        "these",
        "those",
        "there",
        "their",
        "they",
        "them",
        "we",
        "our",
        "us",
        "i",
        "i'm",
        "my",
        "me",
        "you",
        "your",
        "he",
        "she",
        "his",
        "her",
        "what",
        "which",
        "who",
        "whom",
        "when",
        "where",
        "why",
        "how",
        "do",
        "does",
        "did",
        "done",
        "have",
        "has",
        "had",
        "having",
        "not",
        "no",
        "yes",
        "if",
        "then",
        "than",
        "too",
        "very",
        "just",
        "also",
        "about",
        "into",
        "over",
        "under",
        "up",
        "down",
        "out",
        "off",
        "again",
        "once",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "only",
        "own",
        "same",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "one",
        "two",
        "really",
        "quite",
        "basically",
        "actually",
        "like",
        "um",
        "uh",
        "well",
        "okay",
        "ok",
        "yeah",
        "sure",
        "thing",
        "things",
        "kind",
        "sort",
        "lot",
        "get",
        "got",
        "make",
        "made",
        "way",
        "going",
        "go",
        "went",
        "say",
        "said",
    ]
)
_SUFFIXES = (
    "izations",
    "ization",
    "ations",
    "ation",
    "ements",
    "ement",
    "ments",
    "ment",
    "ities",
    "ity",
    "ings",
    "ing",
    "ions",
    "ion",
    "ness",
    "ers",
    "er",
    "ies",
    "ied",
    "ed",
    "es",
    "ly",
    "s",
    "e",
)
_MIN_STEM = 3
SUBSTANTIAL_STEMS = 6
MIN_SPREAD = 0.05
# A ``not`` entry of at most this many words is a phrase that vetoes when heard.
NOT_PHRASE_WORDS = 6
# A phrase heard less alike than this is as often another phrase as a recognition slip.
PHRASE_HEARD = 0.9
# Below this similarity and with no shared wording, a sentence is about something else.
MEANING_FLOOR = 0.25
# The speaker's verdict against what was just set up: "it felt wasteful", "I don't love it",
# "for us it came too late", "in my experience it rarely helps".
_VERDICT = (
    r"(?:honestly |frankly |personally |to be honest )?(?:[^\s.?!]+ ){0,5}?"
    r"(?:(?:it|that|this)\b|i (?:don't|didn't|never|find|found|think|doubt|usually|mostly|just"
    r"|rarely|couldn't|can't)|i'm not|i'd rather|i've (?:never|only|seen it|found|always)|for us"
    r"|in (?:my|our) (?:experience|case|world)|we (?:never|didn't|don't|just))"
)
# A sentence that says it did not happen, or that the speaker does not know or does not hold
# with it: the topic is there, the substance is not.
_DISCLAIMERS = re.compile(
    r"\b(?:"
    # Not knowing: "I don't know", "not sure", "no idea", "can't really say", "hard to say".
    r"(?:do|did|does)(?:n't| not) (?:really |actually |fully |exactly )?(?:know|remember|recall"
    r"|understand)|not (?:really |totally |entirely )?sure|no idea|(?:can't|cannot|couldn't)"
    r" (?:really )?(?:say|tell|remember)|hard to (?:say|point|tell)"
    r"|(?:always|kind of) mix(?:es|ed|ing)?"
    # Not having done it: "we never set that up", "didn't really do", "we dropped it".
    r"|never (?:really |actually |fully |properly )?(?:got|set|did|built|checked|measured|used"
    r"|tried|looked|tested|evaluated|shipped|deployed|ran|had|made|understood|figured)"
    r"|(?:did|was|were)(?:n't| not) (?:really |actually )?(?:set(?:ting)?|do(?:ing)?"
    r"|build(?:ing)?|check(?:ing)?|measur(?:e|ing)|own(?:ing)?|mine|involved|part|able"
    r"|get(?:ting)?|mak(?:e|ing)|ship(?:ping)?|deploy(?:ing)?|run(?:ning)?)"
    r"|(?:do|did)(?:n't| not) have (?:a|any|the) (?:numbers?|figures?|idea|data)"
    r"|wouldn't start there"
    r"|nobody (?:checked|knew|looked|measured|tested)|(?:we|so we|they) dropped it"
    r"|got (?:deprioriti[sz]ed|shelved|cancelled|canceled)|ended before|before it went live"
    r"|haven't (?:really )?(?:found|thought|tried|used|done|measured|looked)"
    r"|don't (?:really )?(?:treat|buy|think (?:that|it)'s)"
    # Not bothering with it: "so I don't really bother", "we didn't even bother".
    r"|(?:do|did)(?:n't| not) (?:really |even )?bother"
    # Not done yet, or nothing there: "we haven't trained on them yet", "nothing in place".
    r"|\w+n't (?:\w+ ){1,4}yet\b|(?:isn't|is not|wasn't|was not) (?:really )?(?:anything|much)"
    r" in place|nothing (?:is |was )?(?:really )?in place"
    # Waving it away: "the explainability argument is overblown", "the thing I skip the most".
    r"|overblown|overrated|overhyped|(?:i|we) (?:usually |always |mostly |often )?skip\b"
    # Someone else's view, set up to be waved away: "people say ..., but".
    r"|(?:some )?people (?:sometimes |often |like to |also )?(?:say|talk about|will tell)"
    r"|everyone says"
    # Someone else's view, reported to be rejected: a reporting verb after "people", then "but"
    # or a stance ("People love SMOTE, but ...", "a lot of people reach for SMOTE, and I'm not a
    # fan"). The verb keeps "the team was six people, but ..." out.
    r"|(?:people|everyone|folks) (?:\w+ ){0,2}?(?:say|says|love|like|talk|mention|reach|worry"
    r"|would|claim|swear|recommend|suggest|think)\b[^.?!]*?(?:\bbut\b|i'm not a fan|\bi don't\b)"
    r"|(?:common|usual|standard) (?:claim|advice|wisdom)\b[^.?!]*?\bbut\b"
    # Other teams' way, or advice heard or read, then the speaker's verdict against it: "some
    # teams just retrain every month, but it felt wasteful for us", "I've heard you should ...,
    # but I don't". Without the verdict the "but" may bring the speaker's own way, which covers
    # ("many teams retrain on a schedule, but we retrain when the monitor fires").
    r"|(?:(?:some|many|most|a lot of|lots of|plenty of|other) (?:teams|companies|shops|places"
    r"|folks|people)|i(?:'ve| have)? (?:also )?(?:heard|read) (?:that|you|people|it|the|about"
    r"|good|of)|(?:textbook|conventional) (?:answer|advice|move|fix|recommendation|wisdom))\b"
    rf"[^.?!]*?\b(?:but|though|although),? {_VERDICT}"
    # A wish or plan, then what stopped it: "the plan was to ..., but the launch got pulled in",
    # "we should have done a proper comparison, but". Without the "but" the plan may be the
    # point itself ("we wanted to know which drops would fail").
    r"|(?:(?:wanted|planned|hoped|meant|supposed|going) to|the plan was|'d hoped|should have"
    r"|would have|proposal to|i'd (?:like|love) to)\b[^.?!]*?\bbut\b"
    r"|(?:it's|is|been) on the roadmap"
    # A wish put off to no particular time: "I'd love to try a tabular transformer sometime".
    r"|i'd (?:like|love) to\b[^.?!]*?\b(?:sometime|at some point|someday|one day|eventually)\b"
    # Put off to no particular time, or to whoever gets to it: "I'd probably look into that
    # eventually", "I tend to figure that out later", "whenever someone gets around to it".
    r"|(?:i'd|we'd|i'll|we'll|i tend to|we tend to)\b[^.?!]*?\b(?:at some point|eventually"
    r"|someday|sometime|(?:out|to it|with it) later)\b|gets? around to"
    # Doubting it ever happened, or handing it to someone else: "I don't think that ever got
    # built", "the impact numbers were someone else's to report".
    r"|(?:don't|didn't) think\b[^.?!]*?\bever\b|(?:someone|somebody) else's"
    # Not (yet) done, in the perfect, by the speaker: "I haven't really had to check whether it
    # was a problem". With a thing as subject it describes the thing ("data it hasn't seen").
    r"|(?:i|we) (?:really |honestly |just |still )?(?:haven't|hadn't)"
    r" (?:really |actually |ever |yet )?(?:[a-z]{3,}ed|had|seen|done"
    r"|been|gotten|got|made|found|built|thought|tried)\b"
    # "Never" with a past verb and the speaker as subject: "we never went back to check", "I've
    # never seen it quantified". A present "never" is a practice ("we never shuffle time
    # series"); with a thing as subject it describes the thing, as in the "haven't" frame above
    # ("tested at a site it had never seen"); an alternative given ("..., we split by date
    # instead") covers.
    r"|(?<!that )(?<!which )(?:i|we)(?:'ve|'d)?(?: (?:have|has|had|just|really|actually"
    r"|honestly|also|simply|still|then|so))*? never"
    r" (?:really |actually |once |even |fully |properly |ever )?"
    r"(?:[a-z]{3,}ed|gone|seen|been|done|given|taken|shown"
    r"|came|gotten|got|made|had|saw|ran|found|went|knew|thought|built|did|heard|kept|brought"
    r"|caught|told)\b(?![^.?!]*\binstead\b)"
    # Whole words only: "never ran" is not "never random", "didn't do" not "didn't double count".
    r")\b"
)


# Vague talk around a topic: "you'd want some kind of dashboard, obviously", "I'd probably just
# use a neural network", "it depends".
_HEDGES = re.compile(
    r"\b(?:probably|maybe|i guess|kind of|sort of|some kind|obviously|of course|it depends"
    r"|pretty (?:good|cheap|much|easy)|or something|or whatever|stuff like that|i suppose"
    r"|basically just|just use|i'd just|these days)\b"
)


# Numbers and the words that come with measured things: "forty six percent", "3x", "two weeks".
_SPECIFIC = re.compile(
    r"\b(?:\d[\d.,]*|percent|percentage|points?|half|double[sd]?|twice|triple[sd]?|thousands?"
    r"|hundreds?|millions?|billions?|dozens?|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty"
    r"|ninety)|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen)"
    r" (?:percent|weeks?|days?|months?|hours?|minutes?|seconds?|milliseconds|x|times|points?)"
    r"|milliseconds?|ms|dollars?|euros?)\b"
)
# Something that happened: regular past tense and the irregular verbs of a project story.
_DONE = re.compile(
    r"\b(?:[a-z]{3,}ed|built|ran|took|found|saw|came|went|got|made|chose|wrote|set up|put"
    r"|caught|brought|cut|dropped|won|beat|fell|rose|grew|shipped|began|led|kept|sent|spent"
    r"|showed|knew|thought|told)\b"
)
# Not something done or held: a wish, a plan, a habit, a guess.
_UNREAL = re.compile(
    r"\b(?:we'd|you'd|i'd|they'd|it'd|would|wish|hope|someday|at some point|the plan is"
    r"|plan(?:ned)? to|want(?:ed)? to|going to|gonna|eventually|one day|usually just|the usual"
    r"|in theory|supposed to|meant to|never got|could have|should have|ought to)\b"
)


# Where a stance is usually said: after the topic, in a clause of its own ("..., but I feel
# that's outdated", "..., and I'm not a fan", "..., so the numbers were someone else's").
_CLAUSE = re.compile(
    r",? \b(?:but|and|so|though|although|except|yet|because|which)\b", re.IGNORECASE
)


def stance_clause(text: str) -> str:
    """The sentence's last clause (of two words or more), or the whole sentence."""
    parts = _CLAUSE.split(text)
    last = parts[-1].strip()
    return last if len(parts) > 1 and len(last.split()) >= 2 else text


# How a sentence that goes on with the one before starts: a conjunction, an aside, an agreement
# ("And I'm, um, not totally sure how people pick it", "I guess, but I usually don't bother").
_CONTINUES = re.compile(
    r"^(?:(?:um|uh|er|so|well|yeah|okay|oh),? )*(?:and|but|though|although|which|because|or"
    r"|except|yet|i guess|i mean|yeah|not|that's|it's|it sort|it kind|it depends)\b"
)
# A sentence this short goes on with the one before whatever it starts with.
SHORT_SENTENCE = 7


def continues(text: str) -> bool:
    """Whether a sentence reads as the tail of the one before it rather than a new thought."""
    plain_text = text.lower().replace("’", "'").strip()
    return len(plain_text.split()) <= SHORT_SENTENCE or _CONTINUES.match(plain_text) is not None


def _count(pattern: re.Pattern[str], text: str, most: int = 2) -> float:
    return float(min(most, len(pattern.findall(text.lower().replace("’", "'")))))


def hedges(text: str) -> int:
    return len(_HEDGES.findall(text.lower().replace("’", "'")))


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'"))


def stem(token: str) -> str:
    """A crude suffix-stripping stem: enough to meet "evaluated", "evaluation", "evaluate"."""
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= _MIN_STEM:
            return token[: -len(suffix)]
    return token


def content_stems(text: str) -> frozenset[str]:
    return frozenset(stem(t) for t in tokens(text) if t not in _STOPWORDS and len(t) > 1)


# A denial whose subject is a relative pronoun after a noun describes that someone or something,
# not what the speaker knows or did ("customers who didn't get the email", "segments that hadn't
# broken yet"); in a condition it is no claim at all ("I ask the data owners if I'm not sure").
# A thing that never got done is still undone ("a drift monitor that never got deployed"), and
# "that" opening a clause ("Honestly, that wasn't my part") is the speaker's denial.
_DENIAL = re.compile(r"^(?:\S+n't|never|not|no)\b")
_DESCRIBES = re.compile(r"(?:[a-z] (?:who|that|which)|\b(?:if|unless|whether)(?: \S+)?) $")
_GOT = re.compile(r"\b(?:got|get|been)$")
_PARTICIPLE = re.compile(r" (?:[a-z]{3,}ed|done|built|made|run|shipped)\b")
# Someone else having no idea is the problem told, not the speaker's ignorance: "dispatchers had
# no idea which shipments would arrive late", "the app has no idea what happened this morning".
# The speaker is in the three words before: "I honestly had no idea", "we'd had no idea".
_HAD = re.compile(r"((?:\S+ ){0,3})(?:had|has|have) $")
_SPEAKER = frozenset({"i", "we", "i'd", "we'd", "i've", "we've", "i'm"})


def _disclaimer_starts(text: str) -> Iterator[int]:
    """Where each disclaimer in ``text`` begins."""
    lowered = text.lower().replace("’", "'")
    for found in _DISCLAIMERS.finditer(lowered):
        before = lowered[: found.start()]
        after = lowered[found.end() :]
        undone = _GOT.search(found.group(0)) and _PARTICIPLE.match(after)
        if _DENIAL.match(found.group(0)) and _DESCRIBES.search(before) and not undone:
            continue
        if found.group(0) == "no idea" and _others_have(before):
            continue
        yield found.start()


def _others_have(before: str) -> bool:
    had = _HAD.search(before)
    return had is not None and not _SPEAKER.intersection(had.group(1).split())


def disclaims(text: str) -> bool:
    return next(_disclaimer_starts(text), None) is not None


def disclaims_across(text: str, following: str) -> bool:
    """Whether a disclaimer begun in ``text`` runs on into ``following``, the sentence the
    recogniser cut from it: "Some teams just retrain every month, no matter what. But it felt
    wasteful for us." is one sentence said, and its "but" is in the second."""
    head = text.rstrip().rstrip(".?!")
    # Begun means two words of it or more: "... and we. Never checked if it helped." is the
    # second sentence's denial, whose subject the cut left behind.
    return any(
        len(head[start:].split()) >= 2 for start in _disclaimer_starts(f"{head} {following}")
    )


def related(row: np.ndarray) -> bool:
    """Whether a sentence is about the point at all: some shared wording or some closeness."""
    return bool(row[FEATURES.index("lemma")] > 0 or row[FEATURES.index("meaning")] >= MEANING_FLOOR)


def plain(row: np.ndarray) -> bool:
    """Whether a sentence says things outright: no hedge, no wish or plan. In "we'd have
    dashboards, the usual" the phrase *dashboards* names the topic, not the substance."""
    return bool(row[FEATURES.index("hedges")] == 0 and row[FEATURES.index("unreal")] == 0)


def point_cues(point: Point) -> tuple[str, ...]:
    """The sentences a point is compared with in meaning: its label and its examples."""
    return (point.label, *point.examples)


@dataclass(frozen=True)
class PointModel:
    """What the signals need of a question's points, computed once a question."""

    points: tuple[Point, ...]
    cue_stems: tuple[tuple[frozenset[str], ...], ...]  # per point: stems of each cue
    idf: dict[str, float]
    cue_vectors: tuple[np.ndarray, ...]  # per point: unit vectors of its cues, one a row
    # per point: unit vectors of its ``not`` entries, one a row (no rows: none given)
    not_vectors: tuple[np.ndarray, ...] = ()


def point_model(
    points: Sequence[Point],
    cue_vectors: Sequence[np.ndarray],
    not_vectors: Sequence[np.ndarray] = (),
) -> PointModel:
    cue_stems = tuple(
        # Phrases are too short to share wording with: two words make any overlap half of it.
        tuple(content_stems(c) for c in point_cues(p))
        for p in points
    )
    per_point = [frozenset().union(*stems) for stems in cue_stems]
    counts: dict[str, int] = {}
    for stems in per_point:
        for s in stems:
            counts[s] = counts.get(s, 0) + 1
    # A stem every point uses ("model", "data") says nothing about which point is meant.
    idf = {s: math.log(1 + len(points) / n) for s, n in counts.items()}
    return PointModel(tuple(points), cue_stems, idf, tuple(cue_vectors), tuple(not_vectors))


def lemma_overlap(
    sentence: frozenset[str], cues: Sequence[frozenset[str]], idf: dict[str, float]
) -> float:
    best = 0.0
    for cue in cues:
        total = sum(idf[s] for s in cue)
        if total:
            best = max(best, sum(idf[s] for s in cue & sentence) / total)
    return best


def phrase_strength(
    point: Point, words: Sequence[Word], sentence: Sentence, skip: frozenset[int]
) -> tuple[float, str | None]:
    """The best phrase hit inside the sentence (0-1) and the phrase, or (0, None)."""
    span = words[sentence.first : sentence.last + 1]
    inner_skip = frozenset(i - sentence.first for i in skip if sentence.first <= i <= sentence.last)
    best: tuple[float, str | None] = (0.0, None)
    for phrase in point.phrases:
        if not could_be_said(phrase, span):
            continue
        match = find_phrase(phrase, span, inner_skip)
        if match and match.score / 100 > best[0]:
            best = (match.score / 100, phrase)
    return best


def says_not_phrase(point: Point, words: Sequence[Word], sentence: Sentence) -> bool:
    """Whether the sentence says one of the point's short ``not`` phrases ("no impact yet").
    Longer ``not`` entries are whole sentences, weighed by meaning (``not_margin``) instead."""
    span = words[sentence.first : sentence.last + 1]
    return any(
        could_be_said(p, span) and find_phrase(p, span)
        for p in point.not_phrases
        if len(p.split()) <= NOT_PHRASE_WORDS
    )


def sentence_features(
    model: PointModel,
    words: Sequence[Word],
    sentence: Sentence,
    vector: np.ndarray,
    skip: frozenset[int] = frozenset(),
    stance: float = 0.0,
    follow: tuple[bool, float] = (False, 0.0),
    window: bool = False,
) -> tuple[np.ndarray, list[tuple[float, str | None]]]:
    """One row of ``FEATURES`` per point, and each point's phrase hit (strength 0-1, phrase);
    ``follow``: whether the next sentence, going on with this one, disclaims, and its stance."""
    similarity = np.array([float((cues @ vector).max()) for cues in model.cue_vectors])
    top3 = [float(np.sort(cues @ vector)[-3:].mean()) for cues in model.cue_vectors]
    stems = content_stems(sentence.text)
    lemma = np.array([lemma_overlap(stems, cues, model.idf) for cues in model.cue_stems])
    # Floored: a sentence unrelated to every point (all similarities near zero) must not get a
    # large z from dividing tiny differences by a tiny spread.
    spread = max(float(similarity.std()), MIN_SPREAD)
    # "That's the gist of it" is close to something in meaning but says nothing.
    substance = min(1.0, len(stems) / SUBSTANTIAL_STEMS)
    hedged = float(min(2, hedges(sentence.text)))
    manner = [_count(_SPECIFIC, sentence.text), _count(_DONE, sentence.text)]
    manner.append(_count(_UNREAL, sentence.text))
    rows, phrases = [], []
    for k, point in enumerate(model.points):
        phrase = phrase_strength(point, words, sentence, skip)
        phrases.append(phrase)
        rows.append(
            [
                lemma[k],
                similarity[k],
                similarity[k] - _best_other(similarity, k),
                float(similarity[k] >= similarity.max()),
                (similarity[k] - similarity.mean()) / spread,
                lemma[k] - _best_other(lemma, k),
                substance,
                hedged,
                phrase[0] if phrase[0] >= PHRASE_HEARD else 0.0,
                _not_margin(model, k, vector, similarity[k]),
                *manner,
                top3[k],
                stance,
                float(follow[0]),
                min(0.0, follow[1]),
                float(window),
            ]
        )
    return np.array(rows, dtype=np.float64), phrases


def _not_margin(model: PointModel, k: int, vector: np.ndarray, similarity: float) -> float:
    """How much closer to what a near miss of point ``k`` sounds like than to the point itself."""
    if k >= len(model.not_vectors) or not len(model.not_vectors[k]):
        return 0.0
    return float((model.not_vectors[k] @ vector).max()) - similarity


def _best_other(values: np.ndarray, k: int) -> float:
    others = np.delete(values, k)
    return float(others.max()) if others.size else 0.0
