"""The core is usable without the TUI: importing it must never pull in Textual."""

import subprocess
import sys

CORE = [
    "rehearse.rubric",
    "rehearse.audio",
    "rehearse.words",
    "rehearse.fillers",
    "rehearse.word_classes",
    "rehearse.hesitations",
    "rehearse.misheard",
    "rehearse.coverage",
    "rehearse.scoring",
    "rehearse.pipeline",
    "rehearse.transcribe",
    "rehearse.store",
    "rehearse.settings",
    "rehearse.report_text",
    "rehearse.tts",
    "rehearse.devices",
    "rehearse.recorder",
    "rehearse.playback",
    "rehearse.cli",
]


def test_core_modules_do_not_import_textual():
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_reading_the_bank_does_not_load_the_speech_stack():
    code = (
        "import sys\n"
        "from rehearse.rubric import load_bank\n"
        "load_bank()\n"
        "print(','.join(m for m in ('faster_whisper', 'ctranslate2', 'av') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
