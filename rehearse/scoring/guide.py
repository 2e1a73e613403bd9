"""The interview guide's own checks on an answer about the speaker's own work.

From the guide's "A Good 90-Second Structure" and "Mistakes That Cost Candidates Offers":

- **Sentence budget** (the project walkthrough): one sentence each on the problem, the data and
  label, the evaluation, the impact and the lesson, two or three on the approach. Each sentence
  belongs to the last part of the answer begun by its end (coverage says where each part began).
- **Ownership**: "we built a pipeline" leaves the interviewer guessing what you did. The share
  of the sentences about the work that say "I" or "my" rather than only "we", "our" or "the
  team", with the "we" sentences quoted.
- **A metric without context**: an offline metric (AUC, accuracy, recall, ...) said with no
  product or online effect anywhere in the answer (revenue, users, an A/B test, production, ...).
- **No baseline**: the final model (XGBoost, a transformer, ...) named with no baseline
  (a heuristic, logistic regression, "baseline") in the same or an earlier sentence.

They apply to questions about the speaker's own work: rubrics in the "Project deep dive" and
"Behavioral" categories; the budget needs the walkthrough's parts (its point ids).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rehearse.language.coverage import Coverage
from rehearse.language.rubric import Rubric
from rehearse.text.sentences import Sentence, split_sentences
from rehearse.text.words import Word

OWN_WORK_CATEGORIES = frozenset({"Project deep dive", "Behavioral"})
# The structure's budget per walkthrough part: (fewest, most) sentences.
SENTENCE_BUDGET: dict[str, tuple[int, int]] = {
    "problem": (1, 1),
    "data-label": (1, 1),
    "approach": (2, 3),
    "evaluation": (1, 1),
    "impact": (1, 1),
    "learned": (1, 1),
}
_I = frozenset({"i", "i'd", "i've", "i'm", "i'll", "my", "myself", "me"})
# "we" as the one who did the work; "our app" or "the team's backlog" says nothing of who did it.
_WE = frozenset({"we", "we'd", "we've", "we're", "we'll"})
# Sentences with "I" only in these ("I think", "I guess") are not about what the speaker did.
_NOT_OWNING_AFTER_I = frozenset({"think", "guess", "feel", "believe", "suppose", "mean", "know"})
# Ownership is called weak below this share of "I" sentences, given at least this many "we" ones.
OWNERSHIP_MIN_SHARE = 0.5
OWNERSHIP_MIN_WE = 2

OFFLINE_METRICS = frozenset(
    [
        "auc", "roc", "accuracy", "f1", "precision", "recall", "rmse", "mae", "mape", "ndcg", "mrr",
        "perplexity", "bleu", "rouge", "logloss", "log-loss", "r2", "pr-auc"
    ]
)  # fmt: skip
PRODUCT_EFFECTS = frozenset(
    [
        "revenue", "conversion", "conversions", "retention", "churn", "customers", "customer",
        "users", "user", "sales", "cost", "costs", "dollars", "online", "a/b", "ab", "production",
        "business", "engagement", "complaints", "tickets", "losses", "saved", "hours", "clicks",
        "click-through", "signups", "bookings", "orders", "money", "fraud", "latency"
    ]
)  # fmt: skip
FINAL_MODELS = frozenset(
    [
        "xgboost", "lightgbm", "catboost", "transformer", "transformers", "bert", "gpt", "neural",
        "deep", "boosting", "boosted", "forest", "ensemble", "llm"
    ]
)  # fmt: skip
BASELINES = frozenset(
    [
        "baseline", "baselines", "heuristic", "heuristics", "rule-based", "rules", "logistic",
        "linear", "simple", "simpler", "naive", "popularity"
    ]
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Quote:
    """A sentence quoted from the answer, with its time to replay."""

    start: float
    end: float
    text: str


@dataclass(frozen=True, slots=True)
class PartBudget:
    id: str
    label: str
    sentences: int
    seconds: float
    budget: tuple[int, int]
    start: float  # where its first sentence begins, to replay

    @property
    def over(self) -> bool:
        return self.sentences > self.budget[1]


@dataclass(frozen=True)
class GuideChecks:
    """``None`` or empty where a check does not apply or found nothing."""

    parts: tuple[PartBudget, ...] = ()
    i_sentences: int = 0
    we_sentences: int = 0
    vague_we: tuple[Quote, ...] = ()
    metric_without_context: Quote | None = None
    no_baseline: Quote | None = None

    @property
    def ownership_share(self) -> float | None:
        total = self.i_sentences + self.we_sentences
        return round(self.i_sentences / total, 3) if total else None

    @property
    def weak_ownership(self) -> bool:
        share = self.ownership_share
        return (
            share is not None
            and share < OWNERSHIP_MIN_SHARE
            and self.we_sentences >= OWNERSHIP_MIN_WE
        )


def applies(rubric: Rubric) -> bool:
    return rubric.category in OWN_WORK_CATEGORIES


def check_answer(
    rubric: Rubric, words: Sequence[Word], coverage: Coverage, skip: Collection[int] = ()
) -> GuideChecks | None:
    """The guide's checks on an answer, or ``None`` when the question is not about own work.

    ``skip`` holds words that are neither ownership nor content (fillers and hedges).
    """
    if not applies(rubric) or not words:
        return None
    said = split_sentences(words)
    tokens = [w.norm for w in words]
    i_count, we = _ownership(said, tokens, skip)
    return GuideChecks(
        parts=sentence_budget(rubric, said, coverage),
        i_sentences=i_count,
        we_sentences=len(we),
        vague_we=tuple(we[:3]),
        metric_without_context=_metric_without_context(said, tokens),
        no_baseline=_no_baseline(said, tokens),
    )


def sentence_budget(
    rubric: Rubric, said: Sequence[Sentence], coverage: Coverage
) -> tuple[PartBudget, ...]:
    """Sentences and seconds per walkthrough part; () unless the rubric has those parts."""
    ids = [p.id for p in rubric.points]
    if not rubric.ordered or set(ids) != set(SENTENCE_BUDGET):
        return ()
    begun = sorted((p.match.start, p.id) for p in coverage.points if p.match)
    counts = dict.fromkeys(ids, 0)
    seconds = dict.fromkeys(ids, 0.0)
    starts: dict[str, float] = {}
    for sentence in said:
        parts = [pid for start, pid in begun if start < sentence.end]
        if parts:
            counts[parts[-1]] += 1
            seconds[parts[-1]] += sentence.seconds
            starts.setdefault(parts[-1], sentence.start)
    return tuple(
        PartBudget(
            p.id,
            p.label,
            counts[p.id],
            round(seconds[p.id], 1),
            SENTENCE_BUDGET[p.id],
            starts.get(p.id, 0.0),
        )
        for p in rubric.points
        if p.id in starts
    )


def _ownership(
    said: Sequence[Sentence], tokens: Sequence[str], skip: Collection[int]
) -> tuple[int, list[Quote]]:
    owned = 0
    vague: list[Quote] = []
    for s in said:
        kept = [k for k in s.indices if k not in skip]
        says_i = any(
            tokens[k] in _I and (k + 1 > s.last or tokens[k + 1] not in _NOT_OWNING_AFTER_I)
            for k in kept
        )
        if says_i:
            owned += 1
        elif any(tokens[k] in _WE for k in kept):
            vague.append(Quote(s.start, s.end, s.text))
    return owned, vague


def _first_sentence_with(
    said: Sequence[Sentence], tokens: Sequence[str], wanted: frozenset[str]
) -> Sentence | None:
    return next((s for s in said if any(tokens[k] in wanted for k in s.indices)), None)


def _metric_without_context(said: Sequence[Sentence], tokens: Sequence[str]) -> Quote | None:
    metric = _first_sentence_with(said, tokens, OFFLINE_METRICS)
    if metric is None or any(t in PRODUCT_EFFECTS for t in tokens):
        return None
    return Quote(metric.start, metric.end, metric.text)


def _no_baseline(said: Sequence[Sentence], tokens: Sequence[str]) -> Quote | None:
    model = _first_sentence_with(said, tokens, FINAL_MODELS)
    if model is None:
        return None
    if any(tokens[k] in BASELINES for s in said if s.first <= model.first for k in s.indices):
        return None
    return Quote(model.start, model.end, model.text)
