"""Probe: meaning similarity as a signal for the broken-off restart decision (not in the product).

A clause's opening broken off by a comma and begun afresh often says the same thing in other
words ("at my last, at my first job", "the way you notice, how you'd notice"), which no shared
word shows. This adds one feature to ``restart_model``'s, ``meaning_alike``: the cosine of
MiniLM's vectors (``language.meaning``) for the first go and as many words of the second, and
runs ``restart_fit`` with it (same folds, grid and limits), so its figures compare line for line
with ``restart_fit --kind broken``.

    .venv/bin/python -m benchmarks.restart_meaning_probe --kind broken   # ~9 min on 2 cores

Measured (after round 19, the 650 plain answers, 5 folds; left-out restarts P / R without it,
then with it): dev k01-k435 0.953 / 0.776, 0.955 / 0.785; dev k01-k485 0.952 / 0.770, 0.951 /
0.775. The fit gives it the largest weight (+3.4), but the decision gains at most a point.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import rehearse.language.restart_model as restart_model
from rehearse.language.meaning import shared_embedder

_plain_features = restart_model._features


def _with_meaning(b: restart_model.Break) -> dict[str, Any]:
    row = _plain_features(b)
    vectors = shared_embedder().embed([" ".join(b.first), " ".join(b.second[: len(b.first)])])
    row["meaning_alike"] = float(vectors[0] @ vectors[1])
    return row


def main(argv: list[str] | None = None) -> int:
    # The decision module reads its feature list and row builder at call time; restart_fit must
    # be imported after they are replaced, as it takes FEATURES by name.
    restart_model._features = _with_meaning
    restart_model.FEATURES = (*restart_model.FEATURES, "meaning_alike")
    from benchmarks import restart_fit

    return restart_fit.main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
