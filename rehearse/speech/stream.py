"""Transcribing an answer while it is being recorded, chunk by chunk, in a worker thread.

The worker reads the recording from its file as the recorder writes it (``WavTail``), cuts it at
the speaker's pauses (``PauseCutter``) and hands each chunk to ``Transcriber.transcribe`` with
the chunk's place in the recording, so each chunk gets the decoding a whole file gets: the same
settings, filler prompt, lost-speech guard and second listens, its words in the recording's
clock.

Two things pull apart: the report wants long chunks (Whisper hears a word better with the
sentences around it; the file is decoded in windows of up to 30 s), the live transcript wants
the words soon. So a chunk is only cut for good (committed) at the first pause after
``COMMIT_SECONDS``; meanwhile, whenever the worker has caught up, it transcribes everything since
the last cut up to the latest pause, provisionally. Those words are shown at once, and if the
recording stops before the next pause, that provisional transcription is kept (the cut moves to
its pause) and only the audio after it is left to do.

A worker that falls behind (a slow machine, a bigger model) makes no provisional transcriptions,
leaves the backlog on disk and finishes it after the stop; nothing is skipped.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from rehearse.audio.clip import FRAME_SECONDS, SAMPLE_RATE, VoiceActivity
from rehearse.audio.stream import Chunk, PauseCutter, WavTail
from rehearse.speech.transcribe import TRANSCRIBING, ProgressCallback, Transcriber, Transcript
from rehearse.text.words import Word

POLL_SECONDS = 0.2  # how often the worker looks for new audio: a tenth of a typical pause
# Less voice than this in a chunk is a click or a breath: it is not decoded (as a whole recording
# with no more than this is not), so the model cannot invent words over it.
MIN_VOICE_SECONDS = 0.25
# A chunk is cut for good at the first pause after this much audio. Shorter chunks cost more
# transcription per second said (each is a 30 s encoder window, and the provisional passes
# repeat work) and give the model less context; longer ones leave more to do at the stop when
# the worker has fallen behind.
COMMIT_SECONDS = 10.0
# Caught up: no more than this much audio on disk is still unread.
CAUGHT_UP_SECONDS = 0.3


@dataclass(frozen=True)
class _Provisional:
    """Everything since the last cut up to ``cut`` (samples), transcribed before being cut."""

    start: float
    cut: int
    transcript: Transcript


@dataclass(frozen=True)
class Streamed:
    """A finished streamed transcription: what scoring needs, as a whole file would give it."""

    words: tuple[Word, ...]
    notes: tuple[str, ...]
    activity: VoiceActivity
    seconds: float  # length of the recording
    model: str


class StreamingTranscription:
    """Transcribes the recording at ``path`` while a recorder writes it.

    ``start`` once the recorder has started; read ``words`` at any time for the live transcript;
    ``finish`` once the recorder has stopped (the file is complete), which does what is left and
    returns the whole transcription. ``cancel`` drops it (an answer thrown away).
    """

    def __init__(self, path: Path, transcriber: Transcriber) -> None:
        self.path = Path(path)
        self.transcriber = transcriber
        self._tail = WavTail(self.path)
        self._cutter = PauseCutter()
        self._words: tuple[Word, ...] = ()  # shown live: committed and provisional
        self._committed: tuple[Word, ...] = ()
        self._provisional: _Provisional | None = None
        self._shown_until = 0.0
        self._notes: tuple[str, ...] = ()
        self._done_until = 0.0  # seconds of the recording transcribed (or found silent)
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
    def behind_seconds(self) -> float:
        """How much recorded audio has not been transcribed yet, even provisionally."""
        done = self._done_until
        provisional = self._provisional
        if provisional is not None and provisional.start >= done:
            done = provisional.start + provisional.cut / SAMPLE_RATE
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
        self._recorded_ended.set()
        total = max(self._tail.seconds_on_disk, 0.01)
        while True:
            if progress:
                progress(TRANSCRIBING, min(1.0, self._done_until / total))
            if self._finished.wait(POLL_SECONDS):
                break
        if self._error is not None:
            raise self._error
        if progress:
            progress(TRANSCRIBING, 1.0)
        return Streamed(
            self._committed,
            self._notes,
            self._cutter.activity(),
            self._cutter.seconds,
            self.transcriber.name,
        )

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
            self._cutter.add(samples)
            self._commit_due()
            if ended and self._tail.exhausted:
                self._commit_rest()
                return
            if self._caught_up() and not ended:
                self._look_ahead()
            if not samples.size:
                self._recorded_ended.wait(POLL_SECONDS)

    def _caught_up(self) -> bool:
        return self._tail.seconds_on_disk - self._tail.seconds_read <= CAUGHT_UP_SECONDS

    def _commit_due(self) -> None:
        """Cut at the first pause past COMMIT_SECONDS (or, with none in a whole chunk, at the
        quietest moment), as often as the pending audio allows."""
        while not self._cancelled.is_set():
            due = [cut for cut in self._cutter.pauses() if cut >= COMMIT_SECONDS * SAMPLE_RATE]
            cut = due[0] if due else self._cutter.forced_cut()
            if cut is None:
                return
            self._commit(cut)

    def _commit_rest(self) -> None:
        """After the stop: keep the provisional words, if any, and transcribe what follows."""
        provisional = self._provisional_now()
        if provisional is not None:
            self._commit(provisional.cut)
        last = self._cutter.finish()
        if last is not None:
            self._add(self._transcribe(last), live=False)
        self._done_until = self._cutter.seconds

    def _commit(self, cut: int) -> None:
        provisional = self._provisional_now()
        chunk = self._cutter.take(cut)
        if provisional is not None and provisional.cut == cut:
            found = provisional.transcript
        else:
            found = self._transcribe(chunk)
        self._provisional = None
        self._add(found, live=not self._recorded_ended.is_set())
        self._done_until = chunk.end

    def _look_ahead(self) -> None:
        """Transcribe provisionally up to the latest pause, for the live transcript."""
        pauses = self._cutter.pauses()
        if not pauses:
            return
        provisional = self._provisional_now()
        if provisional is not None and provisional.cut == pauses[-1]:
            return
        chunk = self._cutter.peek(pauses[-1])
        found = self._transcribe(chunk)
        self._provisional = _Provisional(chunk.start, pauses[-1], found)
        self._show(self._committed + found.words)

    def _provisional_now(self) -> _Provisional | None:
        """The provisional transcription, if it still starts where the pending audio does."""
        provisional = self._provisional
        if provisional is None or provisional.start != self._cutter.pending_start:
            return None
        return provisional

    def _transcribe(self, chunk: Chunk) -> Transcript:
        whole = self._cutter.activity()
        first = round(chunk.start / FRAME_SECONDS)
        last = round(chunk.end / FRAME_SECONDS)
        # The whole recording's threshold, so a quiet chunk is judged as the file would be.
        activity = VoiceActivity(whole.voiced[first:last], whole.threshold_db)
        if activity.voiced_seconds(0.0, chunk.end - chunk.start) < MIN_VOICE_SECONDS:
            return Transcript((), self.transcriber.name, chunk.end - chunk.start)
        return self.transcriber.transcribe(chunk.samples, activity=activity, offset=chunk.start)

    def _add(self, found: Transcript, live: bool) -> None:
        self._committed = self._committed + found.words
        self._notes = self._notes + found.notes
        self._show(self._committed, live)

    def _show(self, words: tuple[Word, ...], live: bool = True) -> None:
        """Make ``words`` the live transcript; note how late each new word came."""
        if live:
            shown_at = self._tail.seconds_on_disk
            self._lags += [shown_at - w.end for w in words if w.end > self._shown_until]
        if words:
            self._shown_until = max(self._shown_until, words[-1].end)
        self._words = words
