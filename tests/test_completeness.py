"""Speech the first decoding lost is found from the sound and decoded again (speech.completeness).

The pure tests hand in a decoder (a function from samples to words, the shape the real model
has); the last tests run the real model on the reported file where the batched pipeline lost
64 of 164 words.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from wordlists import tone_under, words_from

from rehearse.audio.clip import SAMPLE_RATE, VoiceActivity, load_audio
from rehearse.speech import completeness
from rehearse.text.words import Word

DATA = Path(__file__).parent / "data"


def voiced(words: list[Word], seconds: float, extra: list[tuple[float, float]] = ()) -> np.ndarray:
    samples = tone_under(words, seconds)
    for a, b in extra:
        t = np.arange(int((b - a) * SAMPLE_RATE)) / SAMPLE_RATE
        samples[int(a * SAMPLE_RATE) : int(a * SAMPLE_RATE) + len(t)] = 0.3 * np.sin(600 * t)
    return samples


def test_a_voiced_stretch_with_no_word_is_a_gap_and_a_short_sound_is_not():
    words = words_from("we split by time | and validated on the future", step=0.4, gap=4.0)
    # 2 s of voice in the 4 s gap after "time"; a 0.5 s hesitation-sized sound near the end.
    samples = voiced(words, 12.0, [(2.0, 4.0), (9.5, 10.0)])
    found = completeness.gaps(words, VoiceActivity.measure(samples), 12.0)
    assert [(g.span.start >= 1.2, g.span.end <= 5.6, g.voiced_seconds) for g in found] == [
        (True, True, pytest.approx(2.0, abs=0.1))
    ]


def test_speech_before_the_first_word_and_under_a_stretched_word_counts():
    words = [Word("So", 0.0, 9.0), *words_from("we shipped it", start=9.2)]
    samples = voiced(words, 40.0)  # a noise floor to measure the voice against
    found = completeness.gaps(words, VoiceActivity.measure(samples), 11.0)
    assert len(found) == 1 and found[0].span.start == 0.0 and found[0].span.end == 8.5


def test_a_gap_is_filled_with_what_the_decoder_hears_there_in_the_recording_clock():
    words = words_from("we split by time | and validated", step=0.4, gap=4.0)
    samples = voiced(words, 8.0, [(2.0, 4.0)])
    activity = VoiceActivity.measure(samples)

    def decode(clip: np.ndarray) -> list[Word]:
        # The clip starts a margin before the gap; its words are in the clip's own clock.
        return words_from("never a random shuffle", start=completeness.MARGIN_SECONDS + 0.5)

    out, notes = completeness.complete(words, samples, activity, decode)
    texts = [w.text for w in out]
    assert texts == ["we", "split", "by", "time", "never", "a", "random", "shuffle", "and",
                     "validated"]  # fmt: skip
    assert out[4].start > words[3].end and notes == []


def test_a_gap_whose_margin_alone_is_heard_is_decoded_again_without_it():
    # Whisper may write the margin's words before a gap, take the pause after them for the end
    # of speech and stop; decoded without the margins, the gap gives its words.
    words = words_from("we split by time | and validated", step=0.4, gap=4.0)
    samples = voiced(words, 8.0, [(2.0, 4.6)])
    clips: list[float] = []

    def decode(clip: np.ndarray) -> list[Word]:
        clips.append(len(clip) / SAMPLE_RATE)
        if len(clips) == 1:
            return words_from("by time", start=0.1)  # the margin's words, and nothing after
        return words_from("never a random shuffle", start=0.5)

    out, notes = completeness.complete(words, samples, VoiceActivity.measure(samples), decode)
    assert [w.text for w in out][4:8] == ["never", "a", "random", "shuffle"] and notes == []
    assert clips[1] == pytest.approx(clips[0] - 2 * completeness.MARGIN_SECONDS, abs=0.05)


def test_a_gap_nothing_is_heard_in_is_named_in_the_notes():
    words = words_from("we split by time | and validated", step=0.4, gap=4.0)
    samples = voiced(words, 8.0, [(2.0, 4.0)])
    out, notes = completeness.complete(
        words, samples, VoiceActivity.measure(samples), lambda clip: []
    )
    assert out == tuple(words)
    assert len(notes) == 1 and notes[0].startswith("0:0") and "could not be transcribed" in notes[0]


def timed(*words: tuple[str, float, float]) -> list[Word]:
    return [Word(text, start, end) for text, start, end in words]


def test_a_gap_that_filling_another_opens_is_filled_too():
    # The first decoding stretched "So" over 9 s and lost what came after it. Decoded again,
    # the stretch gives its words, and "photos" only in the margin past it (left to the
    # neighbour, which is gone): the voice from 7.9 s to "and validated" is checked again.
    words = [Word("So", 0.0, 9.0), *words_from("and validated", start=11.5)]
    samples = voiced(words, 14.0, [(9.0, 10.0)])
    first = timed(("we", 0.1, 1.9), ("split", 2, 3.9), ("by", 4, 5.9), ("time", 6, 7.9))
    again = timed(("photos", 1.7, 2.1), ("never", 2.3, 2.9), ("a", 2.9, 3.1), ("shuffle", 3.1, 3.9))
    heard = iter([[*first, Word("photos", 8.6, 9.0)], again])
    out, notes = completeness.complete(
        words, samples, VoiceActivity.measure(samples), lambda clip: next(heard, [])
    )
    assert [w.text for w in out] == ["we", "split", "by", "time", "photos", "never", "a",
                                     "shuffle", "and", "validated"]  # fmt: skip
    assert out[4].start == pytest.approx(8.6) and notes == []


def test_voice_still_without_words_after_every_pass_is_named_in_the_notes():
    words = [Word("So", 0.0, 9.0), *words_from("and validated", start=11.5)]
    samples = voiced(words, 14.0, [(9.0, 10.0)])
    heard = iter([timed(("we", 0.1, 1.9), ("split", 2, 3.9), ("by", 4, 5.9), ("time", 6, 7.9))])
    out, notes = completeness.complete(
        words, samples, VoiceActivity.measure(samples), lambda clip: next(heard, [])
    )
    assert [w.text for w in out] == ["we", "split", "by", "time", "and", "validated"]
    assert len(notes) == 1 and notes[0].startswith("0:08") and "could not be" in notes[0]


def test_a_clause_repeating_an_earlier_one_is_decoded_again_and_replaced_when_it_differs():
    said = "the model looks great offline and fails in production. "
    words = words_from(said + "then we did the same, " + said)
    samples = voiced(words, words[-1].end + 1)
    activity = VoiceActivity.measure(samples)
    heard = completeness.repeated(words, activity)
    assert len(heard) == 1 and heard[0].span.start == words[14].start

    out, _ = completeness.complete(
        words,
        samples,
        activity,
        lambda clip: words_from(
            "second we checked every feature", completeness.MARGIN_SECONDS + 0.1
        ),
    )
    assert " ".join(w.text for w in out).endswith("the same, second we checked every feature")


def test_a_speaker_who_really_repeats_a_sentence_keeps_it():
    said = "um we retrained the model every week. "
    words = words_from(said + said)
    samples = voiced(words, words[-1].end + 1)
    out, _ = completeness.complete(
        words,
        samples,
        VoiceActivity.measure(samples),
        lambda clip: words_from("we retrained the model every week."),
    )
    assert out == tuple(words)  # the "um" the first pass heard stays


def test_a_loop_over_a_few_words_of_a_clause_is_replaced_though_the_clause_mostly_matches():
    # The first pass wrote the opening sentence again over "by design and it only works if":
    # the rest of the clause agrees with a new decoding, the repeated run does not.
    opening = "i start from how fresh the inputs need to be. "
    words = words_from(
        opening + "it's cheap and really robust but it's stale i start from how fresh the"
        " you know all the inputs in advance."
    )
    samples = voiced(words, words[-1].end + 1)
    heard = "it's cheap and really robust but it's stale by design and it only works if you know"
    out, _ = completeness.complete(
        words,
        samples,
        VoiceActivity.measure(samples),
        lambda clip: words_from(
            heard + " all the inputs in advance.", completeness.MARGIN_SECONDS + 0.1, step=0.15
        ),
    )
    said = " ".join(w.text for w in out)
    assert said.count("i start from how fresh the") == 1 and "by design" in said


def test_five_repeated_words_are_not_a_loop():
    words = words_from("we split it by time. and then we split it by time too")
    samples = voiced(words, words[-1].end + 1)
    assert completeness.repeated(words, VoiceActivity.measure(samples)) == []


@pytest.mark.slow
def test_the_reported_answer_keeps_all_of_its_words():
    """The repro: the batched pipeline lost the first 11 s and wrote an earlier sentence over a
    middle stretch (100 of 164 words). Every stretch of speech must now have words on it."""
    from tui_support import shared_transcriber

    clip = load_audio(DATA / "dropped-speech.flac")
    activity = VoiceActivity.measure(clip.samples)
    words = shared_transcriber().transcribe(clip.samples, activity=activity).words
    said = len((DATA / "dropped-speech.txt").read_text().split())
    assert len(words) >= 0.9 * said
    assert words[0].start < 1.5
    assert completeness.gaps(list(words), activity, clip.duration) == []
    assert completeness.repeated(list(words), activity) == []
