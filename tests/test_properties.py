"""Random and malformed input always ends in one clear ``RehearseError`` or a clean skip.

Property-based (hypothesis) tests of everything that reads a file the user or a crash may have
mangled: rubric files, ``settings.toml``, audio files, the history database. Example counts are
kept small so the suite stays fast; a failure prints the smallest input that breaks the rule.
"""

from __future__ import annotations

import io
import tempfile
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rehearse.audio.clip import load_audio
from rehearse.errors import RehearseError
from rehearse.language.rubric import MAX_ID_LENGTH, load_bank
from rehearse.storage.history import History
from rehearse.storage.settings import Settings

FEW = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def one_line(error: Exception) -> None:
    text = str(error)
    assert text and "\n" not in text, repr(text)


# TOML-able values, nested a little: what a hand-edited or half-broken file can hold.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.text(max_size=80),
)
values = st.recursive(
    scalars.filter(lambda v: v is not None),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)
good_point = st.fixed_dictionaries(
    {"id": st.just("p"), "label": st.just("A point"), "phrases": st.just(["alpha beta"])}
)
rubric_tables = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.from_regex(r"[a-z0-9][a-z0-9-]{0,80}", fullmatch=True), values),
        "question": st.one_of(st.just("How?"), values),
        "category": values,
        "target_seconds": st.one_of(st.lists(st.integers(-5, 200), max_size=3), values),
        "ordered": values,
        "points": st.one_of(st.lists(st.one_of(good_point, values), max_size=3), values),
    },
)


def _toml(table: dict[str, Any]) -> bytes | None:
    try:
        return tomli_w.dumps(table).encode()
    except (TypeError, ValueError):
        return None


@FEW
@given(files=st.lists(st.one_of(rubric_tables.map(_toml), st.binary(max_size=200)), max_size=4))
def test_a_bank_of_random_files_loads_the_good_ones_and_names_the_rest(files: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "zz-good.toml").write_text(
            'id = "zz-good"\nquestion = "Q?"\n'
            '[[points]]\nid = "p"\nlabel = "P"\nphrases = ["alpha"]\n'
        )
        written = 0
        for n, content in enumerate(files):
            if content is not None:
                (folder / f"f{n}.toml").write_bytes(content)
                written += 1
        problems: list[str] = []
        bank = load_bank(folder, problems)
        assert "zz-good" in {r.id for r in bank}
        assert len(bank) + len(problems) == written + 1
        for problem in problems:
            assert "\n" not in problem and ".toml" in problem
        for rubric in bank:
            assert 1 <= len(rubric.id) <= MAX_ID_LENGTH and rubric.points
            assert 0 <= rubric.target_seconds[0] < rubric.target_seconds[1]


settings_tables = st.dictionaries(
    st.sampled_from(
        ["input_device", "output_device", "model", "target_seconds", "extra_fillers", "other"]
    ),
    values,
    max_size=5,
)


@FEW
@given(content=st.one_of(settings_tables.map(_toml), st.binary(max_size=200)))
def test_random_settings_files_load_cleanly_or_fall_back(content: bytes | None) -> None:
    if content is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "settings.toml").write_bytes(content)
        try:
            strict = Settings.load(folder)
        except RehearseError as error:
            one_line(error)
            strict = None
        problems: list[str] = []
        loaded = Settings.load(folder, problems)
        if strict is None:
            assert loaded == Settings() and len(problems) == 1
            assert (folder / "settings.toml.bad").read_bytes() == content
        else:
            assert loaded == strict and problems == []
        # Whatever was loaded is well typed, and saves and loads back unchanged.
        for name in ("input_device", "output_device", "model"):
            assert getattr(loaded, name) is None or isinstance(getattr(loaded, name), str)
        assert all(isinstance(w, str) for w in loaded.extra_fillers)
        loaded.save(folder)
        assert Settings.load(folder) == loaded


def _wav_bytes(frames: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(np.zeros(frames, dtype="<i2").tobytes())
    return buffer.getvalue()


@FEW
@given(
    content=st.one_of(
        st.binary(max_size=400),
        st.builds(lambda n, cut: _wav_bytes(n)[:cut], st.integers(0, 800), st.integers(0, 1700)),
        st.builds(lambda junk: b"RIFF" + junk, st.binary(max_size=100)),
        st.builds(lambda junk: _wav_bytes(400)[:44] + junk, st.binary(max_size=100)),
    ),
    suffix=st.sampled_from([".wav", ".mp3", ".m4a", ""]),
)
def test_random_or_truncated_audio_decodes_or_is_one_clear_error(
    content: bytes, suffix: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"answer{suffix}"
        path.write_bytes(content)
        try:
            clip = load_audio(path)
        except RehearseError as error:
            one_line(error)
            assert str(path) in str(error)
        else:
            assert clip.samples.dtype == np.float32 and clip.samples.size > 0


@pytest.fixture(scope="module")
def sound_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A history with a few attempts in it (made once)."""
    from test_reliability import make_report, wav_file

    folder = tmp_path_factory.mktemp("history")
    store = History(folder)
    for text in ("class weights", "um PR AUC", "uh threshold"):
        store.add(make_report(text), wav_file(folder / "answer.wav"))
    return folder / "history.sqlite3"


@FEW
@given(data=st.data())
def test_a_random_truncated_or_scribbled_database_is_one_clear_error(
    sound_database: Path, data: st.DataObject
) -> None:
    sound = sound_database.read_bytes()
    kind = data.draw(st.sampled_from(["random", "truncated", "scribbled"]))
    if kind == "random":
        content = data.draw(st.binary(max_size=5000))
    elif kind == "truncated":
        content = sound[: data.draw(st.integers(0, len(sound)))]
    else:
        at = data.draw(st.integers(0, len(sound) - 1))
        junk = data.draw(st.binary(min_size=1, max_size=64))
        content = sound[:at] + junk + sound[at + len(junk) :]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "history.sqlite3").write_bytes(content)
        store = History(folder)
        problem = store.check()
        assert problem is None or "\n" not in problem
        try:
            for attempt in store.attempts():
                attempt.report.to_dict()
        except RehearseError as error:
            one_line(error)
        # Whatever state it is in, the repair leaves a history that opens.
        store.rebuild()
        store.attempts()


def test_a_header_scribbled_into_a_negative_schema_version_is_one_clear_error(
    sound_database: Path, tmp_path: Path
) -> None:
    # Hypothesis found it: a byte of 0x80 at offset 60 makes SQLite's user_version negative.
    sound = bytearray(sound_database.read_bytes())
    sound[60] = 0x80
    (tmp_path / "history.sqlite3").write_bytes(bytes(sound))
    store = History(tmp_path)
    problem = store.check()
    assert problem is not None and "\n" not in problem and "damaged" in problem
    store.rebuild()
    assert store.check() is None
