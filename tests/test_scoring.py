import json
from pathlib import Path

import numpy as np
import pytest
from wordlists import tone_under, words_from

from rehearse.audio.clip import VoiceActivity
from rehearse.errors import StorageError
from rehearse.language.rubric import parse_rubric
from rehearse.scoring.score import report_from_dict, score, timing_verdict
from rehearse.text.words import Word

RUBRIC = parse_rubric(
    {
        "id": "imbalanced-data",
        "question": "How do you handle imbalanced data?",
        "points": [
            {"id": "metric", "label": "Metric", "phrases": ["PR AUC", "recall at fixed precision"]},
            {"id": "weights", "label": "Class weights", "phrases": ["class weights"]},
        ],
    },
    Path("imbalanced-data.toml"),
)


def scored(words, seconds=None, samples=None, **kwargs):
    seconds = seconds or (words[-1].end + 1 if words else 5)
    samples = tone_under(words, seconds) if samples is None else samples
    return score(words, RUBRIC, VoiceActivity.measure(samples), seconds, "a.wav", **kwargs)


@pytest.mark.parametrize(
    ("seconds", "verdict"),
    [(59.9, "short"), (60, "on-target"), (90, "on-target"), (90.1, "long")],
)
def test_timing_verdict_edges(seconds, verdict):
    assert timing_verdict(seconds, (60, 90)) == verdict


def test_speaking_time_runs_from_first_to_last_word_and_pace_counts_fillers():
    words = words_from("so um we used PR AUC and class weights", start=2.0, step=0.5)
    report = scored(words, seconds=10)
    assert report.duration_seconds == 10
    assert report.speaking_seconds == pytest.approx(words[-1].end - 2.0)
    assert report.word_count == 9
    assert report.words_per_minute == pytest.approx(round(9 / report.speaking_seconds * 60, 1))
    assert report.timing == "short"
    assert report.fillers.count == 1
    assert report.fillers.per_minute == pytest.approx(round(60 / report.speaking_seconds, 1))
    assert report.coverage.ratio == 1.0


def test_target_override_wins_over_the_rubric():
    words = words_from("PR AUC " * 10)
    assert scored(words, target=(1, 3)).timing == "long"


def test_pauses_are_measured_on_the_audio_not_on_word_gaps():
    words = words_from("we used | class weights | and PR AUC", step=0.4, gap=1.5)
    # Whisper often stretches a word over the silence after it; the audio still shows the pause.
    stretched = [Word(w.text, w.start, w.end + (1.2 if i == 1 else 0)) for i, w in enumerate(words)]
    samples = tone_under(words, words[-1].end + 1)
    report = scored(stretched, samples=samples)
    assert len(report.pauses) == 2
    first = report.pauses[0]
    assert first.start == pytest.approx(words[1].end, abs=0.05)
    assert first.end == pytest.approx(words[2].start, abs=0.05)
    assert first.seconds >= 1.0


def test_silences_shorter_than_a_second_are_not_pauses():
    words = words_from("we used | class weights", step=0.4, gap=0.5)
    assert scored(words).pauses == ()


def test_silence_before_the_first_and_after_the_last_word_is_not_a_pause():
    words = words_from("class weights", start=3.0)
    assert scored(words, seconds=10).pauses == ()


def test_filler_in_silence_is_dropped_but_a_voiced_one_is_kept():
    spoken = words_from("we used class weights um", step=0.5)
    invented = Word("Mhm.", spoken[-1].end + 2.0, spoken[-1].end + 2.3)
    samples = tone_under(spoken, invented.end + 1)
    report = scored([*spoken, invented], samples=samples)
    assert [f.text for f in report.fillers.items] == ["um"]


def test_explain_lists_every_candidate_and_which_the_report_counts():
    from rich.console import Console

    from rehearse.scoring.render import render_filler_decisions

    spoken = words_from("we used tools like Spark, you know, and class weights um", step=0.5)
    invented = Word("Mhm.", spoken[-1].end + 2.0, spoken[-1].end + 2.3)
    report = scored([*spoken, invented], samples=tone_under(spoken, invented.end + 1))
    assert [(d["text"], d["verdict"], d["counted"], d["rule"]) for d in report.explained()] == [
        ("like", "content", False, "like.compares"),
        ("you know", "filler", True, "you-know.set-off"),
        ("um", "filler", True, "hesitation"),
        ("hmm", "filler", False, "hesitation"),  # written into silence: not counted
    ]
    console = Console(width=160, record=True)
    console.print(render_filler_decisions(report))
    rows = console.export_text().splitlines()
    assert any(r.split()[:4] == ["0:02", "like", "content", "like:"] for r in rows)
    assert any("Mhm." in r and "filler, not counted" in r for r in rows)
    # A report read back from the history has no decisions to explain.
    assert report_from_dict(report.to_dict()).filler_decisions == ()


def test_zero_length_filler_timed_beside_its_sound_is_kept():
    # Whisper sometimes times "um" as a zero-length word next to the sound it heard.
    words = [Word("So,", 0.0, 0.3), Word("um,", 1.0, 1.0), Word("the", 1.2, 1.4)]
    samples = np.zeros(16000 * 3, dtype=np.float32)
    for a, b in [(0.0, 0.3), (0.6, 0.85), (1.2, 1.4)]:
        t = np.arange(int((b - a) * 16000)) / 16000
        samples[int(a * 16000) : int(a * 16000) + len(t)] = 0.3 * np.sin(2 * np.pi * 150 * t)
    [um] = scored(words, samples=samples).fillers.items
    # ...and is moved onto that sound, so replay can jump to it.
    assert um.start == pytest.approx(0.6, abs=0.03)
    assert um.end == pytest.approx(0.85, abs=0.03)


def test_silence_scores_zero_words_with_a_note():
    report = scored([], seconds=5, samples=np.zeros(16000 * 5, dtype=np.float32))
    assert report.word_count == 0
    assert report.speaking_seconds == 0
    assert report.words_per_minute == 0
    assert report.fillers.count == 0
    assert report.timing == "short"
    assert report.notes and "no speech" in report.notes[0]


def test_json_has_the_promised_fields_and_round_trips():
    words = words_from("so um we used PR AUC and, like, class weights you know", step=0.5)
    report = scored(words)
    data = json.loads(json.dumps(report.to_dict()))
    for key in [
        "question",
        "audio",
        "duration_seconds",
        "speaking_seconds",
        "target_seconds",
        "timing",
        "word_count",
        "words_per_minute",
        "fillers",
        "pauses",
        "coverage",
        "transcript",
        "words",
    ]:
        assert key in data
    assert data["fillers"]["by_word"] == {"um": 1, "like": 1, "you know": 1}
    assert data["fillers"]["items"][0] == {
        "text": "um",
        "kind": "hesitation",
        "start": 0.5,
        "end": 0.9,
        "words": [1],
        "rule": "hesitation",
    }
    assert [i["rule"] for i in data["fillers"]["items"][1:]] == [
        "like.set-off-by-commas",
        "you-know.no-object",
    ]
    assert [w["filler"] for w in data["words"]].count(True) == 4
    metric = data["coverage"]["points"][0]
    assert metric["phrase"] == "PR AUC" and metric["how"] in {"phrase", "both"}
    assert metric["sentence"] == report.transcript and metric["strength"] > 0
    assert [s["text"] for s in data["coverage"]["sentences"]] == [report.transcript]
    assert report_from_dict(data).to_dict() == data
    # The history stores the explanation too, so what it reads back is the whole report.
    assert report_from_dict(json.loads(json.dumps(report.to_dict(explain=True)))) == report


def test_a_report_stored_before_the_format_was_versioned_still_reads():
    words = words_from("so um we used PR AUC and, like, class weights you know", step=0.5)
    report = scored(words)
    data = json.loads(json.dumps(report.to_dict()))
    del data["format"]
    for item in data["fillers"]["items"]:
        del item["words"], item["rule"]
    for point in data["coverage"]["points"]:
        point["matched"] = point["phrase"]
        del point["end"], point["strength"], point["sentence"], point["how"]
    del data["coverage"]["sentences"], data["coverage"]["out_of_order"]
    old = report_from_dict(data)
    assert [(f.text, f.start, f.word_indices) for f in old.fillers.items] == [
        (f.text, f.start, f.word_indices) for f in report.fillers.items
    ]
    assert old.words == report.words and old.coverage.ratio == report.coverage.ratio


def test_a_format_2_report_reads_back_with_its_phrase_as_the_evidence():
    report = scored(words_from("so um we used PR AUC and, like, class weights you know", step=0.5))
    data = json.loads(json.dumps(report.to_dict()))
    data["format"] = 2
    for point in data["coverage"]["points"]:
        point["matched"] = "pr auc" if point["covered"] else None
        del point["sentence"], point["how"]
    del data["coverage"]["sentences"], data["coverage"]["out_of_order"]
    old = report_from_dict(data).coverage
    metric = old.points[0]
    assert metric.match is not None and metric.match.how == "phrase"
    assert metric.match.sentence == "pr auc" and metric.match.phrase == "PR AUC"
    assert old.sentences == () and old.ratio == report.coverage.ratio


def test_a_report_from_a_newer_rehearse_is_refused_in_one_line():
    data = scored(words_from("we used class weights", step=0.5)).to_dict()
    data["format"] = 99
    with pytest.raises(StorageError, match="newer rehearse"):
        report_from_dict(data)


# Hesitations the first decoding dropped (rehearse.speech.hesitations) and decoding loops.


def tones(spans, seconds):
    """A 16 kHz signal with a tone over each (start, end) span and digital silence elsewhere."""
    return tone_under([Word("x", a, b) for a, b in spans], seconds)


def test_isolated_stretches_are_short_sounds_with_a_pause_either_side():
    from rehearse.speech.hesitations import isolated_stretches

    # a word, an "uh" set off by pauses, a long phrase, and a sound too short to be anything
    activity = VoiceActivity.measure(tones([(0, 0.5), (0.8, 1.05), (1.4, 3.0), (3.5, 3.54)], 4))
    found = [(round(s.start, 1), round(s.end, 1)) for s in isolated_stretches(activity, 0, 4)]
    assert found == [(0.0, 0.5), (0.8, 1.1)]


def test_a_stretch_claimed_by_a_recognised_hesitation_is_not_listened_to_again():
    from rehearse.speech.hesitations import candidates

    activity = VoiceActivity.measure(tones([(0, 0.5), (0.8, 1.05), (1.4, 1.7), (2.0, 2.9)], 4))
    # "um" is timed 0.3 s late (it claims 0.8-1.05); "Up," is alone over its sound; "the" has
    # its own sound at 2.0-2.9, so the sound at 1.4-1.7 folded into it is extra.
    words = [
        Word("So,", 0.0, 0.5),
        Word("um,", 1.1, 1.3),
        Word("Up,", 1.4, 1.7),
        Word("model", 2.0, 2.9),
    ]
    found = candidates(words, activity, 4)
    assert [(round(c.span.start, 1), c.word) for c in found] == [(1.4, 2)]
    words[3] = Word("model", 1.4, 2.9)  # now "model" starts over the 1.4 s sound
    words[2] = Word("the", 0.6, 0.7)
    found = candidates(words, activity, 4)
    assert [(round(c.span.start, 1), c.word) for c in found] == [(1.4, None)]


def test_a_word_the_first_pass_was_unsure_of_alone_over_its_sound_is_listened_to_again():
    from rehearse.speech.hesitations import UNSURE_PROBABILITY, candidates

    activity = VoiceActivity.measure(tones([(0, 0.5), (0.8, 1.05), (1.4, 2.6)], 3))
    # tiny.en writes a piper "er" set off by pauses as "Art," with a probability of 0.47
    words = [Word("So,", 0.0, 0.5), Word("Art,", 0.8, 1.05, 0.47), Word("worked", 1.4, 2.6)]
    assert [(round(c.span.start, 1), c.word) for c in candidates(words, activity, 3)] == [(0.8, 1)]
    words[1] = Word("Art,", 0.8, 1.05, UNSURE_PROBABILITY)
    assert candidates(words, activity, 3) == []


def test_recover_puts_back_what_the_second_listen_heard_as_a_hesitation():
    from rehearse.speech.hesitations import SPACER_SECONDS, recover

    activity_spans = [(0, 0.5), (0.8, 1.05), (1.4, 2.6), (3.0, 3.2), (3.5, 4.5)]
    samples = tones(activity_spans, 5)
    words = [
        Word("So", 0.0, 0.5),
        Word("we", 0.8, 1.05),  # alone over its sound, not a stand-in: not listened to again
        Word("tuned", 1.4, 2.0),
        Word("it", 2.0, 2.6),
        Word("Oh,", 3.0, 3.2),  # a stand-in: listened to again
        Word("recall", 3.5, 4.5),
    ]
    clips = []

    def decode(clip):
        clips.append(len(clip) / 16000)
        # the stitched clip: spacer, the "Oh," stretch with margins, spacer
        return [Word("Uh.", SPACER_SECONDS + 0.05, SPACER_SECONDS + 0.25)]

    out = recover(words, samples, VoiceActivity.measure(samples), decode)
    assert [w.text for w in out] == ["So", "we", "tuned", "it", "uh,", "recall"]
    assert len(clips) == 1 and clips[0] < 2


def test_a_set_off_stand_in_over_an_isolated_sound_is_a_hesitation_even_if_heard_again():
    from rehearse.speech.hesitations import recover

    samples = tones([(0, 1.0), (1.3, 1.5), (1.8, 2.6)], 3)
    words = [Word("Done.", 0.0, 1.0), Word("Up,", 1.3, 1.5), Word("the", 1.8, 2.6)]
    out = recover(words, samples, VoiceActivity.measure(samples), lambda clip: [])
    assert [w.text for w in out] == ["Done.", "uh,", "the"]
    words[1] = Word("up", 1.3, 1.5)  # no comma: "up" may be content ("speed up")
    out = recover(words, samples, VoiceActivity.measure(samples), lambda clip: [])
    assert [w.text for w in out] == ["Done.", "up", "the"]


def test_a_sound_left_undecided_is_weighed_alone():
    from rehearse.speech.hesitations import recover

    samples = tones([(0, 1.0), (1.3, 1.5), (1.8, 2.6), (2.9, 3.1), (3.4, 4.0)], 5)
    words = [
        Word("Done.", 0.0, 1.0),
        Word("Or", 1.3, 1.5),  # a stand-in over its sound
        Word("the", 1.8, 2.6),
        Word("model", 3.4, 4.0),  # the sound at 2.9-3.1 has no word
    ]
    weighed = []

    def weigh(clips):
        weighed.extend(len(c) / 16000 for c in clips)
        return [{"er": 0.4, "ah": 0.05}, {"uh": 0.3, "ah": 0.1}]

    activity = VoiceActivity.measure(samples)
    out = recover(words, samples, activity, lambda clip: [], weigh, lone_per_minute=None)
    assert [w.text for w in out] == ["Done.", "er", "the", "uh,", "model"]
    assert len(weighed) == 2 and all(s < 2 for s in weighed)  # each sound alone, with spacers


def test_sounds_weighed_alone_are_capped_by_the_length_of_the_audio():
    from rehearse.speech.hesitations import lone_weigh_cap

    assert lone_weigh_cap(87.0, 2.0) == 3 and lone_weigh_cap(240.0, 2.0) == 8
    assert lone_weigh_cap(5.0, 2.0) == 1  # a short streamed piece still weighs its likeliest
    assert lone_weigh_cap(87.0, None) is None


def test_the_cap_weighs_the_sounds_with_the_strongest_evidence_first():
    from rehearse.speech.hesitations import SPACER_SECONDS, recover

    # Three sounds set off by pauses, none decided by the stitched listen: "Art" (unsure) heard
    # again as a word of its own, a stand-in "Or" heard as nothing, and a sound with no word of
    # its own heard as "uh so". With room for one weigh, "uh so" goes first; for two, "Or" too.
    samples = tones([(0, 1.0), (1.3, 1.5), (1.8, 2.6), (2.9, 3.1), (3.4, 4.0), (4.3, 4.5)], 5)
    words = [
        Word("Done.", 0.0, 1.0),
        Word("Art", 1.3, 1.5, 0.4),
        Word("the", 1.8, 2.6),
        Word("Or", 2.9, 3.1, 0.9),
        Word("model", 3.4, 4.0),
    ]  # the sound at 4.3-4.5 has no word

    def decode(clip):  # where each stretch lands in the stitched clip (0.3 s pieces)
        at = [SPACER_SECONDS + k * (0.3 + SPACER_SECONDS) for k in range(3)]
        return [
            Word("Art.", at[0] + 0.05, at[0] + 0.25),
            Word("Uh,", at[2] + 0.02, at[2] + 0.12),
            Word("so", at[2] + 0.14, at[2] + 0.28),
        ]

    weighed: list[float] = []

    def weigh(clips):
        weighed.extend(len(c) for c in clips)
        return [{"uh": 0.5} for _ in clips]

    activity = VoiceActivity.measure(samples)
    out = recover(words, samples, activity, decode, weigh, lone_per_minute=12)  # 1 in 5 s
    assert [w.text for w in out] == ["Done.", "Art", "the", "Or", "model", "uh,"]
    out = recover(words, samples, activity, decode, weigh, lone_per_minute=24)  # 2 in 5 s
    assert [w.text for w in out] == ["Done.", "Art", "the", "uh", "model", "uh,"]
    out = recover(words, samples, activity, decode, weigh, lone_per_minute=None)
    assert [w.text for w in out] == ["Done.", "uh", "the", "uh", "model", "uh,"]
    assert len(weighed) == 1 + 2 + 3


def test_weighing_is_skipped_for_what_the_stitched_clip_decided():
    from rehearse.speech.hesitations import SPACER_SECONDS, recover

    samples = tones([(0, 1.0), (1.3, 1.5), (1.8, 2.6)], 3)
    words = [Word("Done.", 0.0, 1.0), Word("Oh", 1.3, 1.5), Word("the", 1.8, 2.6)]

    def weigh(clips):
        raise AssertionError("nothing is left to weigh")

    heard = [Word("Uh.", SPACER_SECONDS + 0.05, SPACER_SECONDS + 0.25)]
    out = recover(words, samples, VoiceActivity.measure(samples), lambda clip: heard, weigh)
    assert [w.text for w in out] == ["Done.", "uh", "the"]


def test_odds_make_a_hesitation_only_when_they_lean_to_one():
    from rehearse.speech.hesitations import likely_hesitation

    assert likely_hesitation({"um": 0.8, "uh": 0.05, "ah": 0.01}) == "um"
    # uh and er together pass the bar; the likelier one is the spelling
    assert likely_hesitation({"uh": 0.09, "er": 0.08}) == "uh"
    assert likely_hesitation({"uh": 0.1, "ah": 0.02}) is None  # too weak
    # tiny.en hears "Ah" in a lone clipped "and": more "ah" than um/uh/er/hmm is no hesitation
    assert likely_hesitation({"uh": 0.15, "ah": 0.45}) is None


def test_a_recovered_hesitation_next_to_a_recognised_one_is_the_same_one():
    from rehearse.audio.clip import Span
    from rehearse.speech.hesitations import beside_a_hesitation

    words = [Word("up,", 0.0, 0.3), Word("um,", 1.2, 1.4), Word("blending", 1.5, 2.0)]
    # the first pass timed its "um" late; the sound at 0.5-0.7 is that "um"
    assert beside_a_hesitation(Span(0.5, 0.7), words)
    # a word between them makes it a second hesitation
    words.insert(1, Word("we", 0.8, 1.0))
    assert not beside_a_hesitation(Span(0.5, 0.7), words)
    # and so does distance
    assert not beside_a_hesitation(Span(2.6, 2.8), [Word("um,", 1.2, 1.4)])


def test_heard_hesitations_needs_a_lone_hesitation_on_the_piece():
    from rehearse.speech.hesitations import hesitation_heard, words_on_pieces

    decoded = [Word("Uh,", 0.6, 0.8), Word("so", 1.5, 1.6), Word("um", 1.65, 1.7)]
    pieces = words_on_pieces(decoded, [0.5, 1.4, 2.3], [0.3, 0.4, 0.3])
    assert [hesitation_heard(ws) for ws in pieces] == ["Uh,", None, None]


def test_a_decoding_loop_counts_one_hesitation_per_separate_sound():
    # "Er, er, er," over a single sound is one hesitation; two sounds make two.
    words = [Word("skip.", 0.0, 0.5)]
    words += [Word("Er,", 0.9, 0.9), Word("er,", 0.95, 1.1), Word("er,", 1.3, 1.4)]
    words += [Word("basically", 1.8, 2.4)]
    one = tones([(0, 0.5), (0.85, 1.15), (1.8, 2.4)], 3)
    assert [f.text for f in scored(words, samples=one).fillers.items] == ["er", "basically"]
    two = tones([(0, 0.5), (0.85, 1.15), (1.3, 1.5), (1.8, 2.4)], 3)
    assert [f.text for f in scored(words, samples=two).fillers.items] == ["er", "er", "basically"]


def test_a_filler_squeezed_between_two_words_is_inside_speech():
    words = [Word("it's", 0.0, 0.6), Word("basically", 0.6, 0.6), Word("a", 0.6, 0.9)]
    report = scored(words, samples=tones([(0.0, 0.9)], 2))
    assert [f.text for f in report.fillers.items] == ["basically"]


@pytest.mark.slow
def test_a_synthesized_uh_between_pauses_is_an_isolated_stretch(tmp_path):
    from rehearse.audio.tts import synthesize_script
    from rehearse.speech.hesitations import isolated_stretches

    path = tmp_path / "uh.wav"
    spans = synthesize_script(
        ["We tuned the threshold.", 0.4, "Uh,", 0.4, "then we shipped it."], path
    )
    from rehearse.audio.clip import load_audio

    activity = VoiceActivity.measure(load_audio(path).samples)
    found = isolated_stretches(activity, 0, spans[-1][1])
    uh_start, uh_end = spans[2]
    assert any(s.start >= uh_start - 0.05 and s.end <= uh_end + 0.05 for s in found)
    # the sentences around it are too long to be one
    assert not any(s.start < spans[0][1] - 0.6 for s in found)


def test_a_pause_in_the_sound_sets_literally_off_when_the_transcript_has_no_comma():
    # "was, literally, untouched" read aloud: the pause stands where Whisper left out the comma.
    paused = scored(words_from("The test set was | literally untouched until the end.", gap=0.4))
    assert [f.text for f in paused.fillers.items] == ["literally"]
    # "were literally mislabelled" in one breath describes the labels: content.
    flowing = scored(words_from("Those labels were literally mislabelled by the vendor."))
    assert flowing.fillers.items == ()


@pytest.mark.slow
def test_the_model_weighs_a_lone_um_as_a_hesitation_and_a_lone_word_as_none(tmp_path):
    from rehearse.audio.clip import load_audio
    from rehearse.audio.tts import synthesize_script
    from rehearse.speech.hesitations import likely_hesitation
    from rehearse.speech.transcribe import Transcriber

    clips = []
    for k, text in enumerate(["Um.", "So.", "Like."]):
        path = tmp_path / f"{k}.wav"
        synthesize_script([0.5, text, 0.5], path)
        clips.append(load_audio(path).samples)
    odds = Transcriber().hesitation_odds(clips)
    assert [likely_hesitation(o) for o in odds] == ["um", None, None]
    assert odds[0]["um"] > 0.5 > odds[1]["um"] + odds[2]["um"]
