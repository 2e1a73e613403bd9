"""Every voice family the benchmarks use is installed by scripts/setup --test and is understood.

Accuracy is measured on several synthesizers because rules tuned on one voice do not carry over
to another; a voice the model cannot follow would make those figures meaningless.
"""

from __future__ import annotations

import pytest
from rapidfuzz import fuzz

from rehearse.audio import tts
from rehearse.audio.clip import SAMPLE_RATE
from rehearse.text.words import normalise

SENTENCE = "We split the data by time and trained the model on the past."


def test_every_voice_family_is_installed():
    assert sorted(tts.available_voices()) == sorted(tts.VOICES)


@pytest.mark.slow
# The voices nobody tuned for too: the benchmarks' check that figures carry over to new voices
# means nothing if one is not installed by scripts/setup --test or cannot be followed.
@pytest.mark.parametrize("voice", tts.ALL_VOICES)
def test_each_voice_is_transcribed_close_to_what_it_said(voice, tmp_path):
    from tui_support import shared_transcriber

    from rehearse.audio.clip import load_audio

    wav = tmp_path / f"{voice}.wav"
    tts.synthesize(SENTENCE, wav, voice)
    clip = load_audio(wav)
    assert clip.duration > 2.0 and len(clip.samples) > 2 * SAMPLE_RATE
    heard = " ".join(w.norm for w in shared_transcriber().transcribe(clip.samples).words)
    said = " ".join(normalise(t) for t in SENTENCE.split())
    # tiny.en slips on a word or two with the older synthesizers; a garbled voice scores far lower.
    assert fuzz.ratio(heard, said) >= 75, heard


@pytest.mark.parametrize("voice", tts.UNSEEN_VOICES)
def test_each_voice_nobody_tuned_for_says_uh_as_a_syllable(voice):
    # About 0.13 s on both: not dropped, nor clipped to a blip no recogniser could hear.
    hesitant = tts.speak_samples("So we uh retrained it.", voice)
    plain = tts.speak_samples("So we retrained it.", voice)
    assert (len(hesitant) - len(plain)) / tts.SAMPLE_RATE >= 0.1


@pytest.mark.parametrize("voice", ["flite-awb", "flite-rms", "festival"])
@pytest.mark.parametrize("mark", ["uh", "er", "ah"])
def test_flite_and_festival_say_a_hesitation_at_a_speakers_length(voice, mark):
    # Said as a 60-120 ms blip, a hesitation is heard as no word at all, and every filler
    # figure measured on that voice is about the synthesizer, not about rehearse.
    plain = tts.speak_samples("So we retrained it.", voice, steady=True)
    hesitant = tts.speak_samples(f"So we {mark} retrained it.", voice, steady=True)
    assert (len(hesitant) - len(plain)) / tts.SAMPLE_RATE >= 0.25


def test_markup_keeps_the_text_and_slows_only_hesitations():
    text = 'So, uh, the "A&B" test <sort of> erred. Um, hmm, er.'
    flite = tts.marked_up("flite-awb", text)
    assert flite.count("<prosody") == 3 and "&amp;" in flite and "erred" in flite
    assert tts.marked_up("piper", text) == text
