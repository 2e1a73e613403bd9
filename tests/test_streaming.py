"""Scoring while recording: a 90 s answer played into the virtual microphone, transcribed as it
is recorded, gives the report the same recording gets as a file, however far behind the worker
was."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import ROOT, play_into_mic, while_playing

from benchmarks.corpus import parse_answer
from rehearse.audio.clip import SAMPLE_RATE, load_audio
from rehearse.audio.recorder import Recorder
from rehearse.audio.tts import available_voices, synthesize_script
from rehearse.language.rubric import find_question
from rehearse.scoring.score import Report
from rehearse.service import LiveScoring, analyse_file
from rehearse.speech.stream import StreamingTranscription, transcribe_in_pieces
from rehearse.speech.transcribe import Interrupted, Transcriber
from rehearse.storage.settings import Settings

pytestmark = [pytest.mark.audio, pytest.mark.slow, pytest.mark.usefixtures("virtual_audio")]

# A 90 s answer written for this test: each of its question's five points said plainly (so a
# word heard differently near a cut cannot move one across the threshold), hesitations and
# discourse fillers of several kinds, pauses of 0.8 to 1.5 s.
ANSWER = ROOT / "tests" / "data" / "streamed-answer.txt"


@pytest.fixture(scope="module")
def answer_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    voice = "espeak" if "espeak" in available_voices() else available_voices()[0]
    path = tmp_path_factory.mktemp("streamed") / "answer.wav"
    synthesize_script(parse_answer(ANSWER).parts, path, voice=voice)
    return path


def wait_until_flowing(recorder: Recorder, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while recorder.elapsed == 0.0:
        assert time.monotonic() < deadline, "the microphone delivered no audio"
        time.sleep(0.02)


def filler_times(report: Report) -> str:
    return ", ".join(f"{f.text}@{f.start:.2f}" for f in report.fillers.items)


def words_after(report: Report, seconds: float) -> str:
    return " ".join(f"{w.text}@{w.start:.1f}" for w in report.words if w.start >= seconds)


def covered(report: Report) -> list[str]:
    return [p.id for p in report.coverage.points if p.covered]


def test_the_streamed_report_agrees_with_the_file_report(answer_wav: Path, tmp_path: Path) -> None:
    rubric = find_question(parse_answer(ANSWER).question)
    transcriber = Transcriber()
    transcriber.load()
    path = tmp_path / "answer.wav"
    recorder = Recorder(path, device="pulse")
    live = LiveScoring(path, rubric, transcriber, Settings())
    recorder.start()
    live.start()
    try:
        wait_until_flowing(recorder)
        player = play_into_mic(answer_wav, wait=False)
        words_while_speaking = 0
        for _ in while_playing(player, seconds=180):
            words_while_speaking = len(live.stream.words)
        time.sleep(1.0)  # the speaker's moment before pressing stop
    finally:
        result = recorder.stop()
    streamed = live.finish()
    assert result.problem is None and result.seconds > 85
    # The transcript came while the answer was still being said, not only at the end.
    assert words_while_speaking >= 100
    assert live.stream.lags

    whole = analyse_file(path, rubric, transcriber, target=live.target)
    assert len(streamed.words) >= 180
    # What the issue promises: the file is decoded whole, the stream in pieces cut where the
    # audio alone says, and a user sees the same report either way.
    assert covered(streamed) == covered(whole)
    assert len(covered(whole)) == len(rubric.points)
    assert streamed.timing == whole.timing
    # Every filler with its time, untruncated: a failure (seen once in 8 runs, 9 against 7)
    # must show whether a piece's cut counted one twice or the two decodings simply heard apart.
    assert abs(streamed.fillers.count - whole.fillers.count) <= 1, (
        f"streamed: {filler_times(streamed)}\nfile: {filler_times(whole)}\n"
        # Whether the stream lost the words or heard them without the filler.
        f"streamed from 75 s: {words_after(streamed, 75)}\nfile from 75 s: {words_after(whole, 75)}"
    )
    assert streamed.pauses == whole.pauses
    assert streamed.duration_seconds == whole.duration_seconds
    # Pitch and loudness, measured piece by piece as the pieces were cut, against the whole
    # file's: within what was measured on the dev answers (tests/test_delivery.py), with room
    # for the stretch between the first and last word to differ by a word near a cut.
    mine, theirs = streamed.coaching.delivery, whole.coaching.delivery
    assert mine.pitch_variety_semitones is not None and theirs.pitch_variety_semitones is not None
    assert abs(mine.pitch_variety_semitones - theirs.pitch_variety_semitones) <= 0.05
    assert mine.loudness_variety_db is not None and theirs.loudness_variety_db is not None
    assert abs(mine.loudness_variety_db - theirs.loudness_variety_db) <= 0.2
    assert mine.monotone == theirs.monotone


def test_a_worker_that_falls_behind_hears_the_same_words(answer_wav: Path) -> None:
    """A loaded machine: the worker starts only once the whole answer is on disk, and reads it
    in the large blocks a worker that fell behind catches up with; it hears what a worker that
    kept up hears, the file fed to the same pieces in one go."""
    transcriber = Transcriber()
    transcriber.load()
    stream = StreamingTranscription(answer_wav, transcriber)
    stream.start()
    behind = stream.finish()
    whole = transcribe_in_pieces(load_audio(answer_wav).samples, transcriber)
    assert len(behind.words) >= 200
    assert [w.text for w in behind.words] == [w.text for w in whole.words]
    assert [w.start for w in behind.words] == [w.start for w in whole.words]


def test_a_pass_done_ahead_of_need_gives_way_when_asked(answer_wav: Path) -> None:
    """A live pass asks, between its model calls, whether needed work has overtaken it: told
    no, it gives the words it gives alone; told yes, it stops."""
    transcriber = Transcriber()
    transcriber.load()
    samples = load_audio(answer_wav).samples[: 12 * SAMPLE_RATE]
    asked: list[bool] = []

    def not_yet() -> bool:
        asked.append(False)
        return False

    with transcriber.interruptible(not_yet):
        kept = transcriber.transcribe(samples)
    assert asked
    alone = transcriber.transcribe(samples)
    assert [(w.text, w.start) for w in kept.words] == [(w.text, w.start) for w in alone.words]
    with pytest.raises(Interrupted), transcriber.interruptible(lambda: True):
        transcriber.transcribe(samples)
