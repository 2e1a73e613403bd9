"""The core is usable without the TUI: importing it must never pull in Textual.

The layering itself is checked by import-linter (``lint-imports``, contracts in pyproject.toml);
this checks the lazy imports it cannot see: even the CLI, which starts the app, must not load
Textual until the app is started.
"""

import pkgutil
import subprocess
import sys

import rehearse


def _modules_outside_the_tui() -> list[str]:
    return sorted(
        m.name
        for m in pkgutil.walk_packages(rehearse.__path__, "rehearse.")
        if not m.name.startswith("rehearse.tui")
    )


def test_every_core_module_is_found():
    found = _modules_outside_the_tui()
    assert "rehearse.language.fillers" in found and "rehearse.cli.main" in found
    assert "rehearse.service" in found and "rehearse.storage.history" in found


def test_core_modules_do_not_import_textual():
    code = (
        "import importlib, sys\n"
        f"for name in {_modules_outside_the_tui()!r}:\n"
        "    if name != 'rehearse.__main__':\n"
        "        importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_reading_the_bank_does_not_load_the_speech_stack():
    code = (
        "import sys\n"
        "from rehearse.language.rubric import load_bank\n"
        "load_bank()\n"
        "print(','.join(m for m in ('faster_whisper', 'ctranslate2', 'av') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
