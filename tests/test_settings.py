import tomllib

import pytest

from rehearse.errors import StorageError
from rehearse.storage.settings import Settings, data_dir


def test_settings_round_trip(tmp_path):
    saved = Settings(
        input_device='USB "Blue" mic',
        output_device="3",
        model="base.en",
        target_seconds=(45, 75),
        targets={"overfitting": (30, 50), "design-search-ranking": (150, 200)},
        extra_fillers=("right", "at the end of the day"),
    )
    saved.save(tmp_path)
    assert Settings.load(tmp_path) == saved
    # The per-question targets are a [targets] table a person can edit, after the plain keys.
    text = (tmp_path / "settings.toml").read_text()
    assert tomllib.loads(text)["targets"] == {
        "design-search-ranking": [150, 200],
        "overfitting": [30, 50],
    }
    assert text.index("[targets]") > text.index("extra_fillers")


def test_missing_settings_are_defaults(tmp_path):
    assert Settings.load(tmp_path) == Settings()


@pytest.mark.parametrize(
    "text",
    [
        "target_seconds = [90, 60]\n",
        'target_seconds = "long"\n',
        "extra_fillers = [1, 2]\n",
        "[targets]\noverfitting = [90, 60]\n",
        'targets = "long"\n',
        "x = \n",
    ],
)
def test_bad_settings_file_is_a_one_line_storage_error(tmp_path, text):
    (tmp_path / "settings.toml").write_text(text)
    with pytest.raises(StorageError) as caught:
        Settings.load(tmp_path)
    assert "settings.toml" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_data_dir_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("REHEARSE_HOME", str(tmp_path / "env"))
    assert data_dir(str(tmp_path / "flag")) == tmp_path / "flag"
    assert data_dir() == tmp_path / "env"
    monkeypatch.delenv("REHEARSE_HOME")
    assert str(data_dir()) == "recordings"
