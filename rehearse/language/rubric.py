"""The question bank: one TOML file a question, validated on load.

The format is a contract other tools rely on (see README, "Rubric format"): new optional keys may
be added, existing ones keep their meaning.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rehearse.errors import RubricError, UsageError

DEFAULT_TARGET = (60, 90)
# Ids name recordings and files: short, lower case, no leading '-', safe on every file system.
MAX_ID_LENGTH = 64
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True, slots=True)
class Point:
    """Something an interviewer listens for, said in any of several phrasings."""

    id: str
    label: str
    phrases: tuple[str, ...]
    # Whole sentences that cover the point, for the meaning matcher (optional in the file).
    examples: tuple[str, ...] = ()
    # Phrases that name the topic without covering it ("no impact yet"): a sentence saying one
    # of them does not cover the point (optional in the file, key ``not``).
    not_phrases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rubric:
    id: str
    question: str
    points: tuple[Point, ...]
    category: str = "Uncategorised"
    target_seconds: tuple[int, int] = DEFAULT_TARGET
    ordered: bool = False
    path: Path | None = None
    # Listed first, with its category: the question people come to rehearse most.
    pinned: bool = False


def bundled_rubrics_dir() -> Path:
    """The repository's ``rubrics/`` folder (the package is installed editable from a checkout)."""
    return Path(__file__).resolve().parents[2] / "rubrics"


def load_rubric(path: Path) -> Rubric:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RubricError(f"{path}: no such rubric file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError(f"{path}: cannot read rubric: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RubricError(f"{path}: not valid TOML: {exc}") from None
    return parse_rubric(raw, path)


def parse_rubric(raw: dict[str, Any], path: Path) -> Rubric:
    fields = _Fields(path)
    rubric_id = fields.identifier(raw, "id", "id")
    question = fields.text(raw, "question", "question")
    category = raw.get("category", "Uncategorised")
    if not isinstance(category, str) or not category.strip():
        raise fields.fail("category", "must be a non-empty string")
    low, high = fields.target(raw.get("target_seconds", list(DEFAULT_TARGET)))
    ordered = raw.get("ordered", False)
    if not isinstance(ordered, bool):
        raise fields.fail("ordered", "must be true or false")
    pinned = raw.get("pinned", False)
    if not isinstance(pinned, bool):
        raise fields.fail("pinned", "must be true or false")
    return Rubric(
        id=rubric_id,
        question=question,
        points=fields.points(raw.get("points")),
        category=category.strip(),
        target_seconds=(low, high),
        ordered=ordered,
        path=path,
        pinned=pinned,
    )


@dataclass(frozen=True)
class _Fields:
    """Reads and checks the fields of the rubric at ``path``; every error names its field."""

    path: Path

    def fail(self, field: str, problem: str) -> RubricError:
        return RubricError(f"{self.path}: field '{field}' {problem}")

    def text(self, table: dict[str, Any], key: str, field: str) -> str:
        value = table.get(key)
        if value is None:
            raise self.fail(field, "is missing")
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, "must be a non-empty string")
        return value.strip()

    def identifier(self, table: dict[str, Any], key: str, field: str) -> str:
        value = self.text(table, key, field)
        if len(value) > MAX_ID_LENGTH:
            raise self.fail(field, f"is {len(value)} characters long; the most is {MAX_ID_LENGTH}")
        if not _ID.match(value):
            raise self.fail(
                field, f"must use only a-z, 0-9 and '-', not first (got {value[:MAX_ID_LENGTH]!r})"
            )
        return value

    def target(self, target: Any) -> tuple[int, int]:
        if (
            not isinstance(target, list)
            or len(target) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in target)
            or not 0 <= target[0] < target[1]
        ):
            raise self.fail(
                "target_seconds", "must be two numbers [low, high] with 0 <= low < high"
            )
        return int(target[0]), int(target[1])

    def points(self, raw_points: Any) -> tuple[Point, ...]:
        if raw_points is None:
            raise self.fail("points", "is missing (add at least one [[points]] table)")
        if not isinstance(raw_points, list) or not raw_points:
            raise self.fail("points", "must be a non-empty array of [[points]] tables")
        points: list[Point] = []
        for n, item in enumerate(raw_points, start=1):
            points.append(self.point(item, f"points[{n}]", {p.id for p in points}))
        return tuple(points)

    def point(self, item: Any, where: str, seen: set[str]) -> Point:
        if not isinstance(item, dict):
            raise self.fail(where, "must be a table")
        point_id = self.identifier(item, "id", f"{where}.id")
        if point_id in seen:
            raise self.fail(f"{where}.id", f"repeats the id {point_id!r}")
        label = self.text(item, "label", f"{where}.label")
        phrases = item.get("phrases")
        if phrases is None:
            raise self.fail(f"{where}.phrases", "is missing")
        return Point(
            point_id,
            label,
            self.strings(phrases, f"{where}.phrases", empty_ok=False),
            self.strings(item.get("examples", []), f"{where}.examples", empty_ok=True),
            self.strings(item.get("not", []), f"{where}.not", empty_ok=True),
        )

    def strings(self, value: Any, field: str, empty_ok: bool) -> tuple[str, ...]:
        if (
            not isinstance(value, list)
            or (not value and not empty_ok)
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            kind = "an array" if empty_ok else "a non-empty array"
            raise self.fail(field, f"must be {kind} of non-empty strings")
        return tuple(v.strip() for v in value)


def load_bank(directory: Path | None = None, problems: list[str] | None = None) -> list[Rubric]:
    """Every rubric in ``directory`` (default: the bundled bank), in ``bank_order``.

    With ``problems``, a bad file (or one repeating another's id) is skipped and its one-line
    problem appended there, so one broken file costs one question, not the bank; without it, the
    first problem is raised.
    """
    directory = directory or bundled_rubrics_dir()
    if not directory.is_dir():
        raise RubricError(f"{directory}: the question bank folder does not exist")
    rubrics: list[Rubric] = []
    by_id: dict[str, Path | None] = {}
    for path in sorted(directory.glob("*.toml")):
        try:
            rubric = load_rubric(path)
            if rubric.id in by_id:
                raise RubricError(
                    f"{rubric.path}: field 'id' repeats {rubric.id!r} from {by_id[rubric.id]}"
                )
        except RubricError as error:
            if problems is None:
                raise
            problems.append(f"{error} (skipped)")
            continue
        by_id[rubric.id] = rubric.path
        rubrics.append(rubric)
    return bank_order(rubrics)


def bank_order(rubrics: Sequence[Rubric]) -> list[Rubric]:
    """By category then id, except that pinned questions and their category come first."""
    pinned_categories = {r.category for r in rubrics if r.pinned}
    return sorted(
        rubrics,
        key=lambda r: (r.category not in pinned_categories, r.category, not r.pinned, r.id),
    )


def find_question(
    question_id: str, directory: Path | None = None, problems: list[str] | None = None
) -> Rubric:
    """The bank's rubric ``question_id``; ``problems`` as for ``load_bank``."""
    skipped: list[str] = []
    bank = load_bank(directory, skipped if problems is not None else None)
    for rubric in bank:
        if rubric.id == question_id:
            if problems is not None:
                problems += skipped
            return rubric
    # The question asked for may be the very file that was skipped: its problem is the answer.
    own_file = f"{(directory or bundled_rubrics_dir()) / question_id}.toml:"
    for problem in skipped:
        if problem.startswith(own_file):
            raise RubricError(problem.removesuffix(" (skipped)"))
    if problems is not None:
        problems += skipped
    raise unknown_question(question_id, [r.id for r in bank])


def unknown_question(question_id: str, known: Sequence[str]) -> UsageError:
    """The usage error for an id that is not among ``known``, naming the closest ones."""
    close = difflib.get_close_matches(question_id, known, n=3, cutoff=0.5)
    if not close:
        # A fragment ("walkthrough") is no close match by ratio, but it names the question.
        close = [k for k in known if question_id and question_id in k][:3]
    if close:
        guess = " or ".join(f"'{k}'" for k in close)
        return UsageError(f"unknown question '{question_id}': did you mean {guess}?")
    return UsageError(f"unknown question '{question_id}': 'rehearse questions' lists the bank")
