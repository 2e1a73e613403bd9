"""The spoken habits found in the words: fillers, hedges, repeats and restarts, each word in one.

Fillers are judged first. A "kind of" the filler rules call softening is a hedge, so it leaves
the fillers and joins the hedges; every other filler word is out of the hedges' and the
repetitions' reach, so no word is counted twice. A phrase written three times or more in a
row is the recogniser looping (``repetition.find_loops``): its words are no habit of the
speaker's, and the report says so in a note.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rehearse.language.fillers import Filler
from rehearse.language.hedges import SOFTENING_FILLER_RULES, Hedge, find_hedges
from rehearse.language.repetition import Loop, Repetition, find_loops, find_repetitions
from rehearse.text.words import Word


@dataclass(frozen=True)
class Habits:
    fillers: tuple[Filler, ...]
    hedges: tuple[Hedge, ...]
    repetitions: tuple[Repetition, ...]
    # Phrases the recogniser wrote three times or more in a row: not the speaker's habit.
    loops: tuple[Loop, ...] = ()


def find_habits(
    words: Sequence[Word], fillers: Sequence[Filler], paused: Collection[int] = ()
) -> Habits:
    """Hedges and repetitions beside ``fillers`` (as ``judge_fillers`` found them)."""
    padding = {i for f in fillers if f.rule not in SOFTENING_FILLER_RULES for i in f.word_indices}
    loops = find_loops(words, skip=padding)
    looped = {i for loop in loops for i in loop.word_indices}
    hedges = find_hedges(words, skip=padding | looped, paused=paused)
    hedged = {i for h in hedges for i in h.word_indices}
    kept = tuple(f for f in fillers if not hedged.intersection(f.word_indices))
    filler_words = {i for f in kept for i in f.word_indices if f.kind != "hesitation"}
    repetitions = find_repetitions(words, skip=filler_words | looped)
    return Habits(kept, tuple(hedges), tuple(repetitions), tuple(loops))
