"""Probe: can the sound itself say where a hesitation was run into its neighbours ("we uh
retrained" heard as "we retrained" or "we I'm retrained"), the same way on every voice?

A filled pause is a sustained, steady neutral vowel (or a vowel and a nasal, "um"): the pitch
flat or slowly falling, the formants still, the spectrum barely changing, for 0.15-0.6 s. Words
move: their formants glide and their spectrum changes every few centiseconds. So each recording
is measured frame by frame (10 ms) with Praat (pitch, formants F1/F2, intensity) and a spectral
flux (the change of the log spectrum between frames), and a frame is *steady* when it is voiced
and barely changes. Everything is normalised per recording, that is per speaker: formants by
Lobanov's z-scores over the voiced frames, pitch in semitones about the speaker's median, flux and
loudness against the speaker's own medians, durations against the speaker's own steady runs and
seconds per letter.

Units, from the words of a ``filler_accuracy --json`` dump (rehearse's transcript), labelled by
the benchmark's own alignment as in ``hesitation_probe``: every recognised word (a hesitation
heard as a word: "a", "I'm") and every boundary between two recognised words (a hesitation folded
into its neighbours, whose times then stretch), taken with the end of the word before and the
start of the word after. Each unit's features describe its longest steady run and how much
longer the words are than their letters explain. Boundaries after a sentence's or clause's last
word and numbers are left out (``mid_clause``): every voice lengthens sentence ends, and a
hesitation beside a pause is the second listen's work.

Validation is leave one voice family out: a small logistic regression over a dozen such numbers
is fitted on four families, its threshold set out of family on them, and it is scored on the
fifth. The figure is what it would add to the transcript's hesitations: the misses it finds and
the false hesitations it makes, and the family's hesitation precision and recall after. As a
ceiling, each family is also fitted and scored on itself (odd answers against even ones).
``--durations`` synthesizes one sentence with and without "uh" and "um" in each voice and says
how much longer it got and the longest steady run in it: whether there is a held vowel to find.

    .venv/bin/python -m benchmarks.hesitation_sound --dump benchmarks/out/dev316.piper.json ...
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import HESITATION, load_answers
from benchmarks.filler_accuracy import HypWord
from benchmarks.hesitation_probe import label_units, out_of_fold_scores, standardised_fit

OUT = Path(__file__).resolve().parent / "out"
RATE = 16000
STEP = 0.01  # one frame
HOP = int(RATE * STEP)
WINDOW = 400  # 25 ms analysis window for the flux
DIP_DB = 2.0  # de Jong and Wempe's dip between two syllable nuclei
PEAK_FLOOR_DB = -12.0  # a nucleus is at most this far below the speaker's median loudness
# A frame is steady where each change is below this percentile of the speaker's voiced frames.
STEADY_PERCENTILE = 60
# How far a boundary unit reaches into the words either side: a hesitation run into a word is
# mostly timed as part of it.
REACH_SHARE = 0.5
REACH_MAX = 0.35
FEATURES = (
    "run_rel",  # longest steady run / the speaker's median steady run
    "run_s",  # its length in seconds
    "run_f1",  # Lobanov z of F1 over the run
    "run_f2",  # Lobanov z of F2 over the run
    "run_f2_abs",  # distance of F2 from the speaker's centre (a neutral vowel sits near it)
    "run_slope",  # pitch slope over the run, semitones a second
    "run_pitch",  # pitch level over the run, semitones about the speaker's median
    "run_flux",  # flux over the run / the speaker's median voiced flux
    "run_db",  # loudness over the run against the speaker's median, dB
    "stretch",  # the unit's seconds / what its letters explain at the speaker's pace
    "steady_share",  # share of the unit's frames that are steady
    "gap_s",  # silence between the two words (boundaries), 0 for words
    "f1_sd",  # spread of F1 (z) over the unit's voiced frames: a held vowel barely moves
    "f2_sd",
    "pitch_sd",  # spread of pitch, semitones
    "voiced_flux",  # mean flux over the voiced frames / the speaker's median
    "voiced_rel",  # longest voiced run / the speaker's median voiced run
    "voiced_share",
    "extra_nuclei",  # syllable nuclei heard over the unit minus the syllables its words spell
    "extra_share",  # the same over the syllables spelled
)


@dataclass
class Track:
    """Frame-by-frame measures of one recording, normalised to its speaker."""

    steady: np.ndarray  # bool
    voiced: np.ndarray  # bool
    f1z: np.ndarray
    f2z: np.ndarray
    semitones: np.ndarray  # nan where unvoiced
    flux_rel: np.ndarray
    db_rel: np.ndarray
    median_run: float  # seconds
    median_voiced: float  # seconds, the speaker's median voiced run
    nuclei: np.ndarray  # frame indices of syllable nuclei


def spectral_flux(samples: np.ndarray, frames: int) -> np.ndarray:
    """Per frame, the mean absolute change of the log magnitude spectrum (0-4 kHz) from the
    frame before: low inside a held vowel, high at every consonant and glide."""
    pad = np.pad(samples.astype(np.float64), (WINDOW // 2, WINDOW))
    idx = np.arange(frames)[:, None] * HOP + np.arange(WINDOW)[None, :]
    spec = np.abs(np.fft.rfft(pad[idx] * np.hanning(WINDOW), axis=1))[:, : WINDOW * 4000 // RATE]
    logspec = np.log(spec + 1e-4)
    flux = np.zeros(frames)
    flux[1:] = np.abs(np.diff(logspec, axis=0)).mean(1)
    return flux


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last + 1) of every run of True."""
    padded = np.r_[False, mask, False].astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2], edges[1::2], strict=True))


def formant_track(formant: Any, number: int, times: np.ndarray) -> np.ndarray:
    """Formant ``number`` in Hz at each time (nan where Praat found none)."""
    from parselmouth.praat import call

    matrix = call(formant, "To Matrix", number)
    values = matrix.values[0].astype(np.float64)
    values[values <= 0] = np.nan
    return np.interp(times, matrix.xs(), values)


def measure(samples: np.ndarray) -> Track:
    import parselmouth

    sound = parselmouth.Sound(samples.astype(np.float64), sampling_frequency=RATE)
    frames = len(samples) // HOP
    times = (np.arange(frames) + 0.5) * STEP
    pitch = sound.to_pitch(time_step=STEP, pitch_floor=75.0, pitch_ceiling=500.0)
    f0 = np.interp(times, pitch.xs(), pitch.selected_array["frequency"], left=0, right=0)
    # interpolation smears voiced into unvoiced edges; take the nearest frame's verdict instead
    nearest = np.clip(np.round((times - pitch.xs()[0]) / STEP).astype(int), 0, len(pitch.xs()) - 1)
    voiced = pitch.selected_array["frequency"][nearest] > 0
    formant = sound.to_formant_burg(time_step=STEP, max_number_of_formants=5, maximum_formant=5500)
    f1 = formant_track(formant, 1, times)
    f2 = formant_track(formant, 2, times)
    intensity = sound.to_intensity(minimum_pitch=75.0, time_step=STEP)
    db = np.interp(times, intensity.xs(), intensity.values[0])
    flux = spectral_flux(samples, frames)

    ok = voiced & np.isfinite(f1) & np.isfinite(f2)
    if ok.sum() < 50:
        ok = voiced
    f1z = (f1 - np.nanmean(f1[ok])) / (np.nanstd(f1[ok]) + 1e-6)
    f2z = (f2 - np.nanmean(f2[ok])) / (np.nanstd(f2[ok]) + 1e-6)
    median_f0 = float(np.median(f0[voiced])) if voiced.any() else 100.0
    semitones = np.where(voiced, 12 * np.log2(np.maximum(f0, 1.0) / median_f0), np.nan)
    flux_rel = flux / (float(np.median(flux[voiced])) + 1e-9)
    db_rel = db - float(np.median(db[voiced]))

    # steady: voiced, and the spectrum, formants and pitch change less from frame to frame than
    # they usually do in this speaker's voiced frames (smoothed over three frames so one jittery
    # frame does not cut a run)
    df1 = np.abs(np.diff(np.nan_to_num(f1z), prepend=0.0))
    df2 = np.abs(np.diff(np.nan_to_num(f2z), prepend=0.0))
    dst = np.abs(np.diff(np.nan_to_num(semitones), prepend=0.0))
    kernel = np.ones(3) / 3
    steady = voiced.copy()
    for change in (flux_rel, df1, df2, dst):
        smooth = np.convolve(change, kernel, mode="same")
        steady &= smooth < np.percentile(smooth[voiced], STEADY_PERCENTILE)
    lengths = [(b - a) * STEP for a, b in runs(steady) if b - a >= 3]
    median_run = float(np.median(lengths)) if lengths else 0.05
    voiced_lengths = [(b - a) * STEP for a, b in runs(voiced) if b - a >= 3]
    median_voiced = float(np.median(voiced_lengths)) if voiced_lengths else 0.1
    nuclei = syllable_nuclei(db_rel, voiced)
    return Track(
        steady, voiced, f1z, f2z, semitones, flux_rel, db_rel, median_run, median_voiced, nuclei
    )


def syllable_nuclei(db_rel: np.ndarray, voiced: np.ndarray) -> np.ndarray:
    """Frames of syllable nuclei after de Jong and Wempe (2009): peaks of the loudness that are
    voiced, not far below the speaker's median, and set off from the peak before by a dip of at
    least ``DIP_DB``."""
    db = np.convolve(db_rel, np.ones(3) / 3, mode="same")
    peaks = [
        i
        for i in range(1, len(db) - 1)
        if db[i] >= db[i - 1] and db[i] > db[i + 1] and voiced[i] and db[i] > PEAK_FLOOR_DB
    ]
    kept: list[int] = []
    for i in peaks:
        if kept and db[kept[-1] : i + 1].min() > min(db[kept[-1]], db[i]) - DIP_DB:
            if db[i] > db[kept[-1]]:
                kept[-1] = i
            continue
        kept.append(i)
    return np.array(kept, dtype=int)


VOWEL_GROUPS = __import__("re").compile(r"[aeiouy]+")


def syllables(text: str) -> int:
    """Syllables a word's spelling suggests: its vowel groups, a silent final e left out."""
    word = "".join(ch for ch in text.lower() if ch.isalpha())
    if not word:
        return max(1, sum(ch.isdigit() for ch in text))
    count = len(VOWEL_GROUPS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(1, count)


def nuclei_in(track: Track, start: float, end: float) -> int:
    a, b = int(start / STEP), int(np.ceil(end / STEP))
    return int(((track.nuclei >= a) & (track.nuclei < b)).sum())


def letters(text: str) -> int:
    return max(1, sum(ch.isalnum() for ch in text))


def unit_features(
    track: Track, start: float, end: float, letters_in: int, pace: float, gap: float
) -> np.ndarray:
    """FEATURES up to ``voiced_share`` for the sound from ``start`` to ``end``."""
    a = max(0, int(start / STEP))
    b = min(len(track.steady), max(a + 1, int(np.ceil(end / STEP))))
    steady = track.steady[a:b]
    expected = letters_in * pace
    stretch = (end - start) / expected if expected > 0 else 1.0
    share = float(steady.mean()) if len(steady) else 0.0
    feats = np.r_[steady_run(track, a, b), stretch, share, gap, spread(track, a, b)]
    return np.nan_to_num(feats)


def steady_run(track: Track, a: int, b: int) -> np.ndarray:
    """The first nine FEATURES: the longest steady run between frames ``a`` and ``b``."""
    best = max(runs(track.steady[a:b]), key=lambda r: r[1] - r[0], default=None)
    if best is None or best[1] - best[0] < 2:
        none = np.zeros(9)
        none[7] = float(np.mean(track.flux_rel[a:b])) if b > a else 1.0
        none[8] = float(np.mean(track.db_rel[a:b])) if b > a else 0.0
        return none
    s, e = a + best[0], a + best[1]
    seconds = (e - s) * STEP
    st = track.semitones[s:e]
    good = np.isfinite(st)
    slope = 0.0
    if good.sum() > 2:
        slope = float(np.polyfit(np.arange(good.sum()) * STEP, st[good], 1)[0])
    f2 = float(np.nanmean(track.f2z[s:e]))
    return np.array(
        [
            seconds / track.median_run,
            seconds,
            float(np.nanmean(track.f1z[s:e])),
            f2,
            abs(f2),
            slope,
            float(np.nanmean(st)) if good.any() else 0.0,
            float(np.mean(track.flux_rel[s:e])),
            float(np.mean(track.db_rel[s:e])),
        ]
    )


def spread(track: Track, a: int, b: int) -> np.ndarray:
    """How much the unit's voiced sound moves: formant and pitch spreads, mean flux, and its
    longest voiced run against the speaker's median one."""
    voiced = track.voiced[a:b]
    longest = max((e - s for s, e in runs(voiced)), default=0) * STEP
    if voiced.sum() < 3:
        return np.array([0.0, 0.0, 0.0, 1.5, longest / track.median_voiced, 0.0])
    f1 = track.f1z[a:b][voiced]
    f2 = track.f2z[a:b][voiced]
    st = track.semitones[a:b][voiced]
    return np.array(
        [
            float(np.nanstd(f1)),
            float(np.nanstd(f2)),
            float(np.nanstd(st)),
            float(np.mean(track.flux_rel[a:b][voiced])),
            longest / track.median_voiced,
            float(voiced.mean()),
        ]
    )


@dataclass
class Unit:
    family: str
    answer: str
    kind: str
    index: int
    label: int
    missed: bool
    text: str
    features: np.ndarray


def build_units(dump: Path) -> list[Unit]:
    from rehearse.audio.clip import load_audio

    data = json.loads(dump.read_text())
    answers = {a.name: a for a in load_answers()}
    units: list[Unit] = []
    cache = OUT / "probe-sound"
    cache.mkdir(parents=True, exist_ok=True)
    for entry in data["files"]:
        answer = answers[entry["answer"]]
        voice = entry["voice"]
        words = [HypWord(**w) for w in entry["words"]]
        path = cache / f"{answer.name}.{voice}.npz"
        if path.exists():
            z = np.load(path)
            track = Track(
                z["steady"],
                z["voiced"],
                z["f1z"],
                z["f2z"],
                z["semitones"],
                z["flux_rel"],
                z["db_rel"],
                float(z["median_run"]),
                float(z["median_voiced"]),
                z["nuclei"],
            )
        else:
            clip = load_audio(OUT / "audio" / f"{answer.name}.{voice}.wav")
            track = measure(clip.samples)
            np.savez(path, **{k: v for k, v in vars(track).items()})
        total_letters = sum(letters(w.text) for w in words)
        spoken = sum(w.end - w.start for w in words)
        pace = spoken / total_letters if total_letters else 0.07
        wl, gl, wm, gm = label_units(answer, words)
        for i, w in enumerate(words):
            feats = unit_features(track, w.start, w.end, letters(w.text), pace, 0.0)
            extra = nuclei_in(track, w.start, w.end) - syllables(w.text)
            feats = np.r_[feats, extra, extra / syllables(w.text)]
            units.append(Unit(voice, answer.name, "word", i, wl[i], wm[i], w.text, feats))
        for i in range(len(words) - 1):
            x, y = words[i], words[i + 1]
            start = x.end - min(REACH_MAX, REACH_SHARE * (x.end - x.start))
            end = y.start + min(REACH_MAX, REACH_SHARE * (y.end - y.start))
            # the letters of the two halves at the speaker's pace, against their span and gap
            half = (letters(x.text) + letters(y.text)) / 2
            feats = unit_features(track, start, end, max(1, round(half)), pace, y.start - x.end)
            # the two words whole: a hesitation folded into them is one nucleus more
            spelled = syllables(x.text) + syllables(y.text)
            extra = nuclei_in(track, x.start, y.end) - spelled
            feats = np.r_[feats, extra, extra / spelled]
            pair = f"{x.text}|{y.text}"
            units.append(Unit(voice, answer.name, "gap", i, gl[i], gm[i], pair, feats))
    return units


def family_counts(dumps: list[Path]) -> dict[str, tuple[int, int, int]]:
    """The transcript's own hesitation TP, FP, FN per family (rehearse system)."""
    out: dict[str, tuple[int, int, int]] = {}
    for dump in dumps:
        data = json.loads(dump.read_text())
        for row in data["summary"]:
            if row["system"] == "rehearse":
                t = row["tallies"][HESITATION]
                out[row["voice"]] = (t["tp"], t["fp"], t["fn"])
    return out


def mid_clause(unit: Unit) -> bool:
    """Whether a unit is where a hesitation run into its neighbours can be missed: not a boundary
    after a sentence's or clause's last word (lengthened there by every voice, and a hesitation
    beside a pause is the second listen's work), nor a number (whose spelling says nothing of
    how long it takes to say)."""
    if any(ch.isdigit() for ch in unit.text):
        return False
    if unit.kind == "gap":
        return not unit.text.split("|")[0].endswith((".", ",", "?", "!", ";", ":"))
    return True


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """The chance that a hesitation scores above another unit (0.5: no sign; below: reversed)."""
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    order = np.argsort(np.r_[pos, neg], kind="mergesort")
    ranks = np.empty(len(order))
    ranks[order] = np.arange(1, len(order) + 1)
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def within(kind: str, sel: list[Unit], l2: float) -> None:
    """The ceiling: how well the sound tells hesitations apart on the voice it was fitted on."""
    x = np.stack([u.features for u in sel])
    y = np.array([u.label for u in sel], dtype=float)
    missed = np.array([u.missed for u in sel])
    halves = np.array([int(u.answer[1:4]) % 2 for u in sel])
    if y.sum() < 2 or len(np.unique(halves[y == 1])) < 2:
        print(f"  {kind:4} {sel[0].family:10} too few hesitations")
        return
    scores = out_of_fold_scores(x, y, halves, l2)
    negatives = np.sort(scores[y == 0])[::-1]
    top = negatives[int(0.005 * len(negatives))]
    print(
        f"  {kind:4} {sel[0].family:10} AUC {auc(scores[y == 1], scores[y == 0]):.2f}"
        f"  misses above the top 0.5 % of others {int((scores[missed] > top).sum())}"
        f"/{int(missed.sum())}"
    )


def durations(voices: list[str]) -> int:
    """How much a hesitation adds to a short sentence, and the longest steady run it brings, per
    voice: whether there is a held vowel to find at all."""
    from rehearse.audio.tts import speak_samples

    plain = "so we retrained the model"
    for voice in voices:
        base = speak_samples(plain, voice)
        row = [f"{voice:10} {plain!r} {len(base) / RATE:.2f} s"]
        for mark in ("uh", "um"):
            said = speak_samples(plain.replace("we", f"we {mark}"), voice)
            longest = max((e - s for s, e in runs(measure(said).steady)), default=0) * STEP
            row.append(
                f"+{mark} {(len(said) - len(base)) / RATE:+.2f} s (steady run {longest:.2f})"
            )
        steady = max((e - s for s, e in runs(measure(base).steady)), default=0) * STEP
        print("  ".join(row) + f"  plain's steady run {steady:.2f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dump", type=Path, action="append", default=[])
    parser.add_argument(
        "--durations",
        default="",
        metavar="VOICES",
        help="only say how long each voice's um and uh last (comma-separated voices), and stop",
    )
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument(
        "--fp-rate",
        type=lambda text: [float(v) for v in text.split(",")],
        default=[0.002],
        help="threshold: this share of the training families' negatives flagged out of family",
    )
    parser.add_argument("--features", default="", help="comma-separated subset of FEATURES")
    parser.add_argument(
        "--all-units",
        action="store_true",
        help="keep sentence ends and numbers (left out by default: see mid_clause)",
    )
    parser.add_argument("--show", type=int, default=8, help="false hesitations listed per family")
    args = parser.parse_args(argv)
    if args.durations:
        return durations(args.durations.split(","))
    if not args.dump:
        parser.error("give --dump DUMP (one a voice) or --durations VOICES")
    units = [u for d in args.dump for u in build_units(d)]
    units = [u for u in units if u.label >= 0 and (args.all_units or mid_clause(u))]
    chosen = [FEATURES.index(f) for f in args.features.split(",")] if args.features else None
    if chosen is not None:
        for u in units:
            u.features = u.features[chosen]
    names = [FEATURES[i] for i in chosen] if chosen is not None else list(FEATURES)
    families = sorted({u.family for u in units})
    base = family_counts(args.dump)
    gained: dict[tuple[str, float], list[int]] = {}
    for kind in ("word", "gap"):
        sel = [u for u in units if u.kind == kind]
        x = np.stack([u.features for u in sel])
        y = np.array([u.label for u in sel], dtype=float)
        fam = np.array([u.family for u in sel])
        missed = np.array([u.missed for u in sel])
        print(f"\n{kind}: {len(sel)} units, {int(y.sum())} hesitations, {int(missed.sum())} missed")
        print("  feature       AUC of hesitation against other, per family: " + " ".join(families))
        for name, col in zip(names, x.T, strict=True):
            aucs = [auc(col[(fam == f) & (y == 1)], col[(fam == f) & (y == 0)]) for f in families]
            print(f"  {name:12}  " + " ".join(f"{v:5.2f}" for v in aucs))
        for held in families if len(families) > 1 else []:
            tr, te = fam != held, fam == held
            weights, bias = standardised_fit(x[tr], y[tr], args.l2)
            scores = x[te] @ weights + bias
            inner = out_of_fold_scores(x[tr], y[tr], fam[tr], args.l2)
            for rate in args.fp_rate:
                negatives = np.sort(inner[y[tr] == 0])[::-1]
                thr = float(negatives[min(len(negatives) - 1, int(rate * len(negatives)))])
                flag = scores > thr
                yt, mt = y[te], missed[te]
                found = int((flag & mt).sum())
                fp = int((flag & (yt == 0)).sum())
                tally = gained.setdefault((held, rate), [0, 0])
                tally[0] += found
                tally[1] += fp
                texts = [u.text for u, t in zip(sel, te, strict=True) if t]
                false = [t for t, f, lab in zip(texts, flag, yt, strict=True) if f and lab == 0]
                print(
                    f"  held out {held:10} rate {rate:.4f} misses found {found}/{int(mt.sum())}"
                    f"  false {fp}/{int((yt == 0).sum())}: {', '.join(false[: args.show])}"
                )
    print("\nwithin one family (fitted on its odd answers, scored on its even ones, and back):")
    for kind in ("word", "gap"):
        for family in families:
            within(kind, [u for u in units if u.kind == kind and u.family == family], args.l2)
    print("\nper family, hesitations before -> after (P / R), words and boundaries together")
    for held in families:
        for rate in args.fp_rate:
            found, fp = gained.get((held, rate), [0, 0])
            tp0, fp0, fn0 = base.get(held, (0, 0, 0))
            tp, fpn, fn = tp0 + found, fp0 + fp, fn0 - found
            p0 = tp0 / max(1, tp0 + fp0)
            r0 = tp0 / max(1, tp0 + fn0)
            p = tp / max(1, tp + fpn)
            r = tp / max(1, tp + fn)
            print(
                f"  {held:10} rate {rate:.4f}  {p0:.2f} / {r0:.2f} -> {p:.2f} / {r:.2f}"
                f"  (found {found}, false {fp})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
