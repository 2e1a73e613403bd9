"""Reading a recording while it is written, and cutting it at pauses: on real files, growing
block by block as the recorder writes them, against what the finished file gives."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from rehearse.audio.clip import SAMPLE_RATE, VoiceActivity, load_audio
from rehearse.audio.stream import CUT_PAUSE_SECONDS, PauseCutter, WavTail
from rehearse.audio.tts import available_voices, synthesize_script

BLOCK_SECONDS = 0.05


def header(rate: int, data_bytes: int) -> bytes:
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF", 36 + data_bytes, b"WAVE", b"fmt ", 16, 1, 1, rate, rate * 2, 2, 16,
        b"data", data_bytes,
    )  # fmt: skip


class GrowingWav:
    """A WAV written the way the recorder writes it: the header first, then block after block,
    its sizes patched each time."""

    def __init__(self, path: Path, rate: int) -> None:
        self.path, self.rate, self.written = path, rate, 0
        path.write_bytes(header(rate, 0))

    def append(self, pcm: bytes) -> None:
        with self.path.open("r+b") as f:
            f.seek(0, 2)
            f.write(pcm)
            self.written += len(pcm)
            f.seek(0)
            f.write(header(self.rate, self.written))


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    voice = "espeak" if "espeak" in available_voices() else available_voices()[0]
    path = tmp_path_factory.mktemp("spoken") / "speech.wav"
    synthesize_script(
        ["We moved the billing system to a new database.", 0.8, "It took two weeks."],
        path,
        voice=voice,
    )
    return path


def pcm_at(path: Path, rate: int) -> bytes:
    """The speech in ``path`` as 16-bit PCM at ``rate`` (what a microphone at that rate sends)."""
    samples = load_audio(path).samples
    n = round(len(samples) * rate / SAMPLE_RATE)
    x = np.interp(np.arange(n) * SAMPLE_RATE / rate, np.arange(len(samples)), samples)
    return (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()


def tail_while_written(path: Path, rate: int, pcm: bytes) -> np.ndarray:
    wav = GrowingWav(path, rate)
    tail = WavTail(path)
    pieces = [tail.read()]  # nothing yet but the header
    block = round(rate * BLOCK_SECONDS) * 2
    for first in range(0, len(pcm), block):
        wav.append(pcm[first : first + block])
        if first % (7 * block) == 0:  # the reader comes by now and then, not every block
            pieces.append(tail.read())
    while not tail.exhausted:
        pieces.append(tail.read(final=True))
    tail.close()
    return np.concatenate(pieces)


def test_a_16_khz_recording_read_as_it_grows_gives_the_file_s_samples(
    spoken: Path, tmp_path: Path
) -> None:
    path = tmp_path / "growing.wav"
    streamed = tail_while_written(path, SAMPLE_RATE, pcm_at(spoken, SAMPLE_RATE))
    whole = load_audio(path).samples
    assert len(streamed) == len(whole)
    assert np.array_equal(streamed, whole)


def test_a_48_khz_recording_is_resampled_as_the_file_would_be(spoken: Path, tmp_path: Path) -> None:
    path = tmp_path / "growing48.wav"
    streamed = tail_while_written(path, 48000, pcm_at(spoken, 48000))
    whole = load_audio(path).samples
    assert abs(len(streamed) - len(whole)) <= 16  # a millisecond at most, at the very end
    n = min(len(streamed), len(whole))
    assert float(np.max(np.abs(streamed[:n] - whole[:n]))) < 0.01


def test_the_voice_activity_measured_as_it_comes_is_the_file_s(spoken: Path) -> None:
    samples = load_audio(spoken).samples
    cutter = PauseCutter()
    rng = np.random.default_rng(5)
    first = 0
    while first < len(samples):
        size = int(rng.integers(1, 3000))  # blocks of any size, not whole 10 ms frames
        cutter.add(samples[first : first + size])
        first += size
    measured, whole = cutter.activity(), VoiceActivity.measure(samples)
    assert measured.threshold_db == whole.threshold_db
    assert np.array_equal(measured.voiced, whole.voiced)


def test_the_cut_falls_in_the_pause_between_the_sentences(spoken: Path) -> None:
    samples = load_audio(spoken).samples
    activity = VoiceActivity.measure(samples)
    pause = max(
        activity.silences(0.5, len(samples) / SAMPLE_RATE - 0.5, 0.5), key=lambda s: s.seconds
    )
    cutter = PauseCutter()
    cutter.add(samples[: int(pause.start * SAMPLE_RATE)])
    assert cutter.sentences() == []  # the pause has not come yet
    cutter.add(samples[int(pause.start * SAMPLE_RATE) :])
    cuts = cutter.sentences()
    assert any(pause.start < cut / SAMPLE_RATE < pause.end for cut in cuts), (cuts, pause)
    chunk = cutter.take(max(cuts))
    assert chunk.start == 0.0 and cutter.pending_start == chunk.end
    rest = cutter.finish()
    assert rest is not None and rest.end == pytest.approx(len(samples) / SAMPLE_RATE)


def test_a_pause_is_seen_coming_while_the_speaker_talks_on_in_between_words(spoken: Path) -> None:
    samples = load_audio(spoken).samples
    activity = VoiceActivity.measure(samples)
    pause = max(
        activity.silences(0.5, len(samples) / SAMPLE_RATE - 0.5, 0.5), key=lambda s: s.seconds
    )
    # Mid-sentence, the end of what was heard is voiced, or a gap between words at most.
    cutter = PauseCutter()
    cutter.add(samples[: int((pause.start - 0.4) * SAMPLE_RATE)])
    assert cutter.silent_at_end() < CUT_PAUSE_SECONDS
    # Half a second into the pause, before its cut is known for good: a sentence is ending.
    cutter.add(
        samples[int((pause.start - 0.4) * SAMPLE_RATE) : int((pause.start + 0.5) * SAMPLE_RATE)]
    )
    assert cutter.silent_at_end() >= CUT_PAUSE_SECONDS
    # Once the speaker goes on, the end is voiced again.
    cutter.add(
        samples[int((pause.start + 0.5) * SAMPLE_RATE) : int((pause.end + 0.4) * SAMPLE_RATE)]
    )
    assert cutter.silent_at_end() < CUT_PAUSE_SECONDS


def test_the_end_of_a_recording_is_cut_only_at_its_pauses_however_long(tmp_path: Path) -> None:
    """The last stretch runs past a whole chunk without a pause the speaker went on after:
    it is cut at the pauses, where the sentences transcribed live end, not into a new piece."""
    rng = np.random.default_rng(7)

    def silence(seconds: float) -> np.ndarray:
        return (rng.standard_normal(round(seconds * SAMPLE_RATE)) * 1e-4).astype(np.float32)

    def speech(seconds: float) -> np.ndarray:
        """Syllables of noise with the short gaps between words (far from a pause)."""
        syllable = np.concatenate([silence(0.22) * 1000, silence(0.08)])
        return np.tile(syllable, round(seconds / 0.3))

    # A quiet room, then speech with pauses before 20 s and none after, then the stop.
    parts = [silence(1.0), speech(9.0), silence(0.8), speech(8.1), silence(0.8), speech(10.8)]
    samples = np.concatenate([*parts, silence(1.5)])
    cutter = PauseCutter()
    cutter.add(samples)
    live = cutter.sentences()
    assert cutter.next_cut() is None and cutter.pending_seconds > 28
    cutter.end()
    assert cutter.next_cut() is None
    assert cutter.sentences() == live
    assert [round(c / SAMPLE_RATE) for c in live] == [10, 19, 31]


@pytest.fixture(scope="module")
def long_answer(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    """Some 40 s of speech with pauses of every length, long enough to be cut several times."""
    voice = "espeak" if "espeak" in available_voices() else available_voices()[0]
    path = tmp_path_factory.mktemp("long") / "answer.wav"
    sentences = [
        "We moved the billing system to a new database over two weeks.",
        "The hardest part was the data migration, because the old schema had no keys.",
        "So we wrote a checker that compared every invoice in both systems each night.",
        "Um, it found a few hundred mismatches in the first week.",
        "Most of them were rounding errors in currency conversion.",
        "After that we switched the reads over, one team at a time.",
        "Nobody noticed the switch, which was the whole point.",
        "I learned to budget more time for the boring parts of a migration.",
    ]
    script: list[str | float] = []
    for n, sentence in enumerate(sentences):
        script += [sentence, (0.35, 0.9, 1.6, 0.5)[n % 4]]
    synthesize_script(script, path, voice=voice)
    return load_audio(path).samples


def cuts_of(samples: np.ndarray, blocks: list[int]) -> list[tuple[float, float, bytes]]:
    """Each piece the cutter makes, fed ``samples`` in blocks of these sizes (cut as soon as
    the cut is known, as a worker that has caught up does): start, end and its voiced frames."""
    cutter = PauseCutter()
    pieces = []
    first = 0
    for size in blocks:
        cutter.add(samples[first : first + size])
        first += size
        while (cut := cutter.next_cut()) is not None:
            chunk = cutter.take(cut)
            pieces.append((chunk.start, chunk.end, chunk.activity.voiced.tobytes()))
    cutter.end()
    while (cut := cutter.next_cut()) is not None:
        chunk = cutter.take(cut)
        pieces.append((chunk.start, chunk.end, chunk.activity.voiced.tobytes()))
    # The rest is cut at its pauses, as the end of a recording is.
    done = 0
    for cut in cutter.sentences():
        chunk = cutter.take(cut - done)
        done = cut
        pieces.append((chunk.start, chunk.end, chunk.activity.voiced.tobytes()))
    rest = cutter.finish()
    assert rest is not None
    pieces.append((rest.start, rest.end, rest.activity.voiced.tobytes()))
    return pieces


def test_the_cuts_depend_on_the_audio_alone_not_on_how_it_arrived(long_answer: np.ndarray) -> None:
    whole = cuts_of(long_answer, [len(long_answer)])
    assert len(whole) >= 3, "a 40 s answer is cut at least twice"
    rng = np.random.default_rng(3)
    # A worker keeping up reads a block at a time; one that fell behind reads seconds at once.
    for high in (800, 3000, 5 * SAMPLE_RATE):
        blocks = rng.integers(1, high, size=3 * len(long_answer) // high + 10).tolist()
        assert sum(blocks) >= len(long_answer)
        assert cuts_of(long_answer, blocks) == whole
