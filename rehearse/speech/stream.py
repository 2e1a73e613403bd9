"""Transcribing an answer while it is recorded, in pieces cut at the speaker's pauses, in a
worker thread.

``Pieces`` is the computation: samples go into a ``PauseCutter``, which cuts them where the audio
alone says (the first pause after ``COMMIT_SECONDS``), and each piece is handed to
``Transcriber.transcribe`` with its place in the recording, so it gets the decoding a whole file
gets (the same settings, filler prompt, lost-speech guard and second listens) and its words in
the recording's clock. ``StreamingTranscription`` runs it over a recording as the recorder writes
it; ``transcribe_in_pieces`` over a finished file in one go, which gives the same words (neither
the cuts nor the decoding of a piece depend on when the audio arrived): what the stream is
checked against. ``rehearse score`` decodes a file whole instead, which costs less (each piece
pays its own second listen) and is what the stream's report is compared with.

While the speaker talks, whenever the worker has caught up it also transcribes what follows the
last cut, a sentence at a time: each stretch between two pauses once its pause has come (kept:
the end of a recording, what follows the last cut, is cut at the same pauses, so at the stop
those need no second decoding), and what was said since the last pause every
``LIVE_STEP_SECONDS`` of voice, for the live transcript only (a first listen, never while a
sentence is ending: its own pass comes within moments). A sentence pass is work done ahead of
need: once a piece that takes it in is due, it stops at its next model call, so it holds the
piece up for one call at most. The end of a recording is cut only at those pauses (never into a
new piece, however long), so at the stop only the sentence after the last pause is new.

Each piece is also measured for delivery (Praat's pitch and loudness of its voiced frames) as
it is cut, and the caller may ask to be told of the words committed so far (``on_commit``) to
prepare its own work on them while the speaker goes on: at the stop, only the last pieces are
left to measure and to prepare, however long the answer.

A worker that falls behind (a slow machine, a bigger model) makes no such passes, leaves the
backlog on disk and finishes it after the stop; nothing is skipped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from rehearse.audio.clip import SAMPLE_RATE, VoiceActivity
from rehearse.audio.delivery import VoiceFrames, VoiceTrack
from rehearse.audio.stream import CUT_PAUSE_SECONDS, READ_SECONDS, Chunk, PauseCutter, WavTail
from rehearse.speech.transcribe import (
    TRANSCRIBING,
    Interrupted,
    ProgressCallback,
    Transcriber,
    Transcript,
)
from rehearse.text.words import Word

log = logging.getLogger(__name__)
"""At DEBUG, one record per stretch of audio decoded or reused (what, where, how long it took):
how ``benchmarks/stream_latency.py --trace`` shows what is left to do at the stop."""

POLL_SECONDS = 0.2  # how often the worker looks for new audio: a tenth of a typical pause
# Less voice than this in a chunk is a click or a breath: it is not decoded (as a whole recording
# with no more than this is not), so the model cannot invent words over it.
MIN_VOICE_SECONDS = 0.25
# Caught up: no more than this much audio on disk is still unread.
CAUGHT_UP_SECONDS = 0.3
# With no new pause, the live transcript is brought up to the latest audio once this much more
# voice has been said: only a long sentence waits for it. Each such pass costs a 30 s encoder
# window (its first listen alone), CPU the sentences the report is made of need on a busy machine.
LIVE_STEP_SECONDS = 3.0

Reuse = Callable[[Chunk], "Transcript | None"]
"""An earlier transcription of exactly this chunk, if there is one."""
Committed = Callable[[tuple[Word, ...]], None]
"""Told the words committed so far (final: no later piece changes them), on the worker's thread."""


@dataclass(frozen=True)
class Streamed:
    """A finished streamed transcription: what scoring needs, as a whole file would give it."""

    words: tuple[Word, ...]
    notes: tuple[str, ...]
    activity: VoiceActivity
    seconds: float  # length of the recording
    model: str


class Pieces:
    """The words of a recording transcribed piece by piece, cut where the audio says."""

    def __init__(self, transcriber: Transcriber) -> None:
        self.transcriber = transcriber
        self.cutter = PauseCutter()
        self.words: tuple[Word, ...] = ()
        self.notes: tuple[str, ...] = ()
        self.voice = VoiceTrack()
        self.done_until = 0.0  # seconds of the recording transcribed (or found silent)

    def commit_due(self, reuse: Reuse | None = None) -> bool:
        """Transcribe the next piece if its cut is known; whether there was one."""
        cut = self.cutter.next_cut()
        if cut is None:
            return False
        self._commit(self.cutter.take(cut), reuse)
        return True

    def commit_rest(self, reuse: Reuse | None = None) -> None:
        """Once the recording has ended: the pieces still due, then what is left, cut at each
        of its pauses (the sentences a live pass has transcribed already, most of them)."""
        self.cutter.end()
        while self.commit_due(reuse):
            pass
        done = 0
        for cut in self.cutter.sentences():
            self._commit(self.cutter.take(cut - done), reuse, "sentence")
            done = cut
        rest = self.cutter.finish()
        if rest is not None:
            self._commit(rest, reuse, "rest")
        self.done_until = self.cutter.seconds

    def transcribe(self, chunk: Chunk) -> Transcript:
        if chunk.activity.voiced_seconds(0.0, chunk.end - chunk.start) < MIN_VOICE_SECONDS:
            return Transcript((), self.transcriber.name, chunk.end - chunk.start)
        return self.transcriber.transcribe(
            chunk.samples, activity=chunk.activity, offset=chunk.start
        )

    def _commit(self, chunk: Chunk, reuse: Reuse | None, kind: str = "piece") -> None:
        began = time.monotonic()
        found = reuse(chunk) if reuse else None
        reused = found is not None
        if found is None:
            found = self.transcribe(chunk)
        _trace(kind, chunk, reused, began)
        began = time.monotonic()
        self.voice.add(chunk.samples, chunk.start)
        _trace("Praat", chunk, False, began, "measured")
        self.words += found.words
        self.notes += found.notes
        self.done_until = chunk.end


def _trace(kind: str, chunk: Chunk, reused: bool, began: float, done: str = "decoded") -> None:
    if log.isEnabledFor(logging.DEBUG):
        log.debug(
            "%s %.2f-%.2f s (%.2f s, %.2f s voiced): %s in %.2f s",
            kind,
            chunk.start,
            chunk.end,
            chunk.end - chunk.start,
            chunk.activity.voiced_seconds(0.0, chunk.end - chunk.start),
            "reused" if reused else done,
            time.monotonic() - began,
        )


def transcribe_in_pieces(
    samples: np.ndarray, transcriber: Transcriber, progress: ProgressCallback | None = None
) -> Transcript:
    """Transcribe a finished recording into the words a stream of it gives, however it was
    paced: the reference the streamed words are checked against."""
    transcriber.load()
    pieces = Pieces(transcriber)
    total = max(len(samples), 1)
    step = int(READ_SECONDS * SAMPLE_RATE)
    if progress:
        progress(TRANSCRIBING, 0.0)
    for first in range(0, len(samples), step):
        pieces.cutter.add(samples[first : first + step])
        while pieces.commit_due():
            if progress:
                progress(TRANSCRIBING, min(1.0, pieces.done_until * SAMPLE_RATE / total))
    pieces.commit_rest()
    if progress:
        progress(TRANSCRIBING, 1.0)
    return Transcript(pieces.words, transcriber.name, len(samples) / SAMPLE_RATE, pieces.notes)


class StreamingTranscription:
    """Transcribes the recording at ``path`` while a recorder writes it.

    ``start`` once the recorder has started; read ``words`` at any time for the live transcript;
    ``finish`` once the recorder has stopped (the file is complete), which does what is left and
    returns the whole transcription. ``cancel`` drops it (an answer thrown away).
    """

    def __init__(
        self, path: Path, transcriber: Transcriber, on_commit: Committed | None = None
    ) -> None:
        self.path = Path(path)
        self.transcriber = transcriber
        self._on_commit = on_commit
        self._tail = WavTail(self.path)
        self._pieces = Pieces(transcriber)
        self._words: tuple[Word, ...] = ()  # shown live: committed and provisional
        self._paused_words: tuple[Word, ...] = ()  # the same, up to the latest pause only
        # The sentences since the last cut transcribed for the live view, by (start, samples):
        # kept, since the end of a recording is cut into the same ones.
        self._sentences: dict[tuple[int, int], Transcript] = {}
        self._live_until = 0.0  # where the last live pass ended, in the recording's clock
        self._shown_until = 0.0
        self._lags: list[float] = []
        self._recorded_ended = threading.Event()
        self._cancelled = threading.Event()
        self._finished = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="rehearse-stream", daemon=True)

    # -- for the screens -------------------------------------------------------------------------

    @property
    def words(self) -> tuple[Word, ...]:
        """The words transcribed so far (a snapshot: safe to read from any thread)."""
        return self._words

    @property
    def paused_words(self) -> tuple[Word, ...]:
        """The words transcribed up to the latest pause: later than ``words`` but revised less
        often (their last sentence is whole), for output that cannot be redrawn."""
        return self._paused_words

    @property
    def behind_seconds(self) -> float:
        """How much recorded audio has not been transcribed yet, even for the live view."""
        done = max(self._pieces.done_until, self._live_until)
        return max(0.0, self._tail.seconds_on_disk - done)

    @property
    def lags(self) -> tuple[float, ...]:
        """For each word shown while recording, how long after it was said it was shown."""
        return tuple(self._lags)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self._cancelled.set()
        self._recorded_ended.set()

    def finish(self, progress: ProgressCallback | None = None) -> Streamed:
        """Transcribe what is left once the recording has ended; raises what the worker met
        (``ModelError`` for a model that cannot load)."""
        log.debug(
            "stop: %.2f s on disk, %.2f s read, %.2f s cut for good, %.2f s pending",
            self._tail.seconds_on_disk,
            self._tail.seconds_read,
            self._pieces.done_until,
            self._pieces.cutter.pending_seconds,
        )
        self._recorded_ended.set()
        total = max(self._tail.seconds_on_disk, 0.01)
        while True:
            if progress:
                progress(TRANSCRIBING, min(1.0, self._pieces.done_until / total))
            if self._finished.wait(POLL_SECONDS):
                break
        if self._error is not None:
            raise self._error
        if progress:
            progress(TRANSCRIBING, 1.0)
        cutter = self._pieces.cutter
        activity = cutter.activity()
        return Streamed(
            # A recording of nothing but silence is not transcribed, as a file of it is not.
            self._pieces.words if activity.any_voice else (),
            self._pieces.notes,
            activity,
            cutter.seconds,
            self.transcriber.name,
        )

    @property
    def voice(self) -> VoiceFrames:
        """The voiced frames of the pieces transcribed so far (all of them after ``finish``),
        measured as each was cut: the answer's delivery without reading the recording again."""
        return self._pieces.voice.frames()

    # -- the worker ----------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self.transcriber.load()
            self._follow()
        except BaseException as error:  # handed to finish(), on the caller's thread
            self._error = error
        finally:
            self._tail.close()
            self._finished.set()

    def _follow(self) -> None:
        while not self._cancelled.is_set():
            ended = self._recorded_ended.is_set()
            samples = self._tail.read(final=ended)
            self._pieces.cutter.add(samples)
            if ended and self._tail.exhausted:
                self._pieces.commit_rest(self._reuse)
                return
            committed = False
            while not self._cancelled.is_set() and self._pieces.commit_due(self._reuse):
                committed = True
                self._paused_words = self._pieces.words
                self._show(self._pieces.words, live=not self._recorded_ended.is_set())
            if committed and self._on_commit and not self._recorded_ended.is_set():
                began = time.monotonic()
                self._on_commit(self._pieces.words)
                if log.isEnabledFor(logging.DEBUG):
                    log.debug(
                        "prepared %d words in %.2f s",
                        len(self._pieces.words),
                        time.monotonic() - began,
                    )
            if self._caught_up() and not ended:
                self._look_ahead()
            if not samples.size:
                self._recorded_ended.wait(POLL_SECONDS)

    def _caught_up(self) -> bool:
        return self._tail.seconds_on_disk - self._tail.seconds_read <= CAUGHT_UP_SECONDS

    def _reuse(self, chunk: Chunk) -> Transcript | None:
        """A live pass's words for ``chunk``, if one transcribed exactly this chunk."""
        start = round(chunk.start * SAMPLE_RATE)
        found = self._sentences.get((start, len(chunk.samples)))
        end = start + len(chunk.samples)
        self._sentences = {k: t for k, t in self._sentences.items() if k[0] >= end}
        return found

    def _look_ahead(self) -> None:
        """Transcribe past the last cut for the live transcript: the next sentence whose pause
        has come, else, once there is another second of voice, what was said since the last
        pause (one sentence at a time, so a pass costs a sentence)."""
        cutter = self._pieces.cutter
        heard: tuple[Word, ...] = ()
        since = 0
        first = round(cutter.pending_start * SAMPLE_RATE)
        for cut in cutter.sentences():
            key = (first + since, cut - since)
            known = self._sentences.get(key)
            if known is None:
                began = time.monotonic()
                chunk = cutter.peek(cut, since)
                try:
                    with self.transcriber.interruptible(partial(self._overtaken, chunk)):
                        known = self._sentences[key] = self._pieces.transcribe(chunk)
                except Interrupted:
                    _trace("live sentence", chunk, False, began, "interrupted")
                    return
                _trace("live sentence", chunk, False, began)
                self._paused_words = self._pieces.words + heard + known.words
                self._live_until = max(self._live_until, chunk.end)
                self._show(self._paused_words)
                return
            heard += known.words
            since = cut
        if cutter.silent_at_end() >= CUT_PAUSE_SECONDS:
            # A sentence is ending: its own pass, due within moments, shows its words, and a
            # view begun now would hold it up (at the end of an answer, the stop waits on it).
            return
        chunk = cutter.peek(cutter.judged(), since)
        new = chunk.activity.voiced_seconds(self._live_until - chunk.start, chunk.end - chunk.start)
        if new < LIVE_STEP_SECONDS:
            return
        began = time.monotonic()
        # Shown until the sentence's own pass replaces it: the first listen is enough, and half
        # the CPU the pieces and sentences need (a full pass here once held a loaded worker 14 s,
        # through the stop).
        found = self.transcriber.first_listen(chunk.samples, chunk.start)
        _trace("live view", chunk, False, began)
        self._live_until = chunk.end
        self._show(self._pieces.words + heard + found)

    def _overtaken(self, chunk: Chunk) -> bool:
        """Whether a piece has become due that takes ``chunk`` in (a sentence transcribed
        ahead of need, which the piece's own decoding replaces): the audio that came while it
        was being transcribed is read to know."""
        cutter = self._pieces.cutter
        cutter.add(self._tail.read())
        cut = cutter.next_cut()
        return cut is not None and chunk.start < cutter.pending_start + cut / SAMPLE_RATE

    def _show(self, words: tuple[Word, ...], live: bool = True) -> None:
        """Make ``words`` the live transcript; note how late each new word came."""
        if live:
            shown_at = self._tail.seconds_on_disk
            self._lags += [shown_at - w.end for w in words if w.end > self._shown_until]
        if words:
            self._shown_until = max(self._shown_until, words[-1].end)
        self._words = words
