"""What changed between two attempts: every rambling metric, the fillers word by word, the
pauses, the points gained and lost, and the two transcripts aligned word by word.

``compare`` is pure over two reports, so ``rehearse compare`` and the app's compare view show
the same figures; they only lay them out.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from rehearse.scoring.metrics import METRICS, MetricInfo, Metrics, measure
from rehearse.scoring.score import Report
from rehearse.text.words import normalise

Tag = Literal["equal", "replace", "delete", "insert"]


@dataclass(frozen=True)
class MetricChange:
    info: MetricInfo
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def better(self) -> bool | None:
        """True when ``after`` beats ``before`` by more than noise, False when it is worse."""
        if self.before is None or self.after is None:
            return None
        return self.info.is_better(self.after, self.before)


@dataclass(frozen=True)
class CountChange:
    """How often one filler was said before and after."""

    word: str
    before: int
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class PauseSummary:
    count: int
    seconds: float
    longest: float

    @classmethod
    def of(cls, report: Report) -> PauseSummary:
        lengths = [p.seconds for p in report.pauses]
        return cls(len(lengths), round(sum(lengths), 1), round(max(lengths, default=0.0), 1))


@dataclass(frozen=True)
class Opcode:
    """A run of the alignment: words ``before[i1:i2]`` became ``after[j1:j2]``."""

    tag: Tag
    i1: int
    i2: int
    j1: int
    j2: int


@dataclass(frozen=True)
class Comparison:
    before: Report
    after: Report
    metrics: tuple[MetricChange, ...]
    fillers: tuple[CountChange, ...]
    pauses: tuple[PauseSummary, PauseSummary]
    gained: tuple[str, ...]  # labels of points covered only after
    lost: tuple[str, ...]  # labels of points covered only before
    kept: tuple[str, ...]
    same_question: bool
    alignment: tuple[Opcode, ...]

    @property
    def speaking_change(self) -> float:
        return round(self.after.speaking_seconds - self.before.speaking_seconds, 1)

    @property
    def words_in_common(self) -> float:
        """The share of the words of both answers that the alignment pairs up (0-1)."""
        total = self.before.word_count + self.after.word_count
        same = sum(o.i2 - o.i1 for o in self.alignment if o.tag == "equal")
        return 2 * same / total if total else 1.0


def filler_changes(before: Report, after: Report) -> tuple[CountChange, ...]:
    """Each filler said in either answer, the biggest changes first."""
    old, new = before.fillers.by_word, after.fillers.by_word
    changes = [CountChange(w, old.get(w, 0), new.get(w, 0)) for w in {*old, *new}]
    return tuple(sorted(changes, key=lambda c: (-abs(c.change), -c.before, c.word)))


def align(before: Report, after: Report) -> tuple[Opcode, ...]:
    """The two transcripts aligned on their words, ignoring case and punctuation."""
    a = [normalise(w.text) for w in before.words]
    b = [normalise(w.text) for w in after.words]
    # autojunk would treat the commonest words ("the", "and") as noise in a long answer.
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return tuple(Opcode(tag, i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes())


def compare(
    before: Report,
    after: Report,
    before_metrics: Metrics | None = None,
    after_metrics: Metrics | None = None,
) -> Comparison:
    """``after`` against ``before``; the metrics default to those measured on each report."""
    old = before_metrics or measure(before)
    new = after_metrics or measure(after)
    same_question = before.question == after.question
    covered_before = {p.id for p in before.coverage.points if p.covered}
    covered_after = {p.id for p in after.coverage.points if p.covered}
    labels = [(p.id, p.label) for p in after.coverage.points]
    labels += [(p.id, p.label) for p in before.coverage.points if p.id not in dict(labels)]
    return Comparison(
        before=before,
        after=after,
        metrics=tuple(
            MetricChange(info, old.value(info.key), new.value(info.key)) for info in METRICS
        ),
        fillers=filler_changes(before, after),
        pauses=(PauseSummary.of(before), PauseSummary.of(after)),
        gained=tuple(
            label for k, label in labels if k in covered_after - covered_before and same_question
        ),
        lost=tuple(
            label for k, label in labels if k in covered_before - covered_after and same_question
        ),
        kept=tuple(label for k, label in labels if k in covered_before & covered_after),
        same_question=same_question,
        alignment=align(before, after),
    )
