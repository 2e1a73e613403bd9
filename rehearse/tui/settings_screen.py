"""Settings that persist in the data directory: devices, the speech model (checked by loading it
before it is saved) and the user's own target lengths (set per question on the question list)."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from rehearse.audio.devices import list_devices, sound_sources
from rehearse.errors import RehearseError
from rehearse.language.rubric import Rubric
from rehearse.scoring.render import clock
from rehearse.service import without_targets
from rehearse.speech.transcribe import Transcriber, describe_model
from rehearse.storage.settings import Settings
from rehearse.tui.context import AppContext, context

DEFAULT = "__default__"


class DevicesFound(Message):
    def __init__(
        self, inputs: list[tuple[str, str]], outputs: list[tuple[str, str]], problem: str | None
    ) -> None:
        super().__init__()
        self.inputs = inputs
        self.outputs = outputs
        self.problem = problem


class ModelChecked(Message):
    """The model typed in loaded (``transcriber``), or could not (``problem``)."""

    def __init__(self, transcriber: Transcriber, problem: str | None) -> None:
        super().__init__()
        self.transcriber = transcriber
        self.problem = problem


class SettingsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "back", "Back without saving"),
    ]
    HELP = "Microphone, speakers and speech model; saved in the data directory."
    AUTO_FOCUS = "#input-device"

    def __init__(self) -> None:
        super().__init__()
        self.reset_targets = False  # "Reset all" was pressed: saving drops the user's targets
        self.checking: Settings | None = None  # what will be saved once the model has loaded

    @property
    def rehearse(self) -> AppContext:
        return context(self.app)

    def compose(self) -> ComposeResult:
        settings = self.rehearse.settings
        with VerticalScroll(id="settings-body"):
            yield Static(Text("Settings", style="bold"), id="settings-title")
            yield Label("Microphone")
            yield Select[str](
                [], prompt="System default", id="input-device", allow_blank=True, compact=True
            )
            yield Label("Speakers (replay and the mock-round voice)")
            yield Select[str](
                [], prompt="System default", id="output-device", allow_blank=True, compact=True
            )
            yield Static(Text("Looking for devices…", "dim"), id="device-status", classes="hint")
            yield Label("Speech model")
            yield Input(
                settings.model or "",
                placeholder="blank: bundled tiny.en · a size name (base.en) · a model folder",
                id="model",
                compact=True,
            )
            yield Static(id="model-problem", classes="hint")
            yield Label("Your target lengths")
            yield Static(_targets_text(settings, self.rehearse.bank), id="targets", classes="hint")
            yield Button("Reset all to the questions' own", id="reset-targets", compact=True)
            yield Static(
                Text.assemble(
                    ("Data directory: ", "bold"),
                    str(self.rehearse.data_dir.resolve()),
                    (
                        "\nChoose it with --data DIR or $REHEARSE_HOME; the settings live in it.",
                        "dim",
                    ),
                ),
                classes="hint",
            )
            with Horizontal(id="settings-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.find_devices()

    @work(thread=True, exclusive=True, group="devices")
    def find_devices(self) -> None:
        try:
            devices = list_devices()
        except RehearseError as error:
            self.post_message(DevicesFound([], [], str(error)))
            return
        inputs = [(d.label, d.name) for d in devices if d.max_input_channels > 0]
        outputs = [(d.label, d.name) for d in devices if d.max_output_channels > 0]
        if any(name == "pulse" for _, name in inputs):
            # The sound server's own names for its microphones come first: "pulse (ALSA)" and
            # "default (ALSA)" say nothing about which microphone they are.
            sources = [
                (f"{s.description} ({s.name})", s.spec) for s in sound_sources() if not s.monitor
            ]
            inputs = sources + inputs
        self.post_message(DevicesFound(inputs, outputs, None))

    def on_devices_found(self, message: DevicesFound) -> None:
        if not self.app.is_running:
            # The app is closing, perhaps before this screen's widgets were all mounted.
            return
        settings = self.rehearse.settings
        status = self.query_one("#device-status", Static)
        for selector, choices, saved in (
            ("#input-device", message.inputs, settings.input_device),
            ("#output-device", message.outputs, settings.output_device),
        ):
            select = self.query_one(selector, Select)
            names = [name for _, name in choices]
            if saved and saved not in names:
                # Keep a saved device that is unplugged right now, rather than forget it.
                choices = [*choices, (f"{saved} (not connected)", saved)]
            select.set_options(choices)
            if saved:
                select.value = saved
        if message.problem:
            status.update(Text(f"✘ {message.problem}", "red"))
        else:
            status.update(
                Text(
                    f"{len(message.inputs)} microphones, {len(message.outputs)} outputs found",
                    "dim",
                )
            )

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#reset-targets")
    def _reset_targets_pressed(self) -> None:
        self.reset_targets = True
        self.query_one("#targets", Static).update(
            Text("Every question goes back to its own target when you save.", "italic")
        )

    def action_save(self) -> None:
        if self.checking is not None:
            return  # the model is still being tried: saving follows by itself
        app = self.rehearse
        model = self.query_one("#model", Input).value.strip() or None
        settings = replace(
            app.settings,
            input_device=_chosen(self.query_one("#input-device", Select)),
            output_device=_chosen(self.query_one("#output-device", Select)),
            model=model,
        )
        if self.reset_targets:
            settings = without_targets(settings)
        if model == app.transcriber.model_spec and app.model_status != "failed":
            self._save(settings, None)
            return
        # A model that cannot load must never be saved: the user would find out only after
        # answering a question. Loading it is the only real test, and it takes a few seconds.
        self.checking = settings
        self.query_one("#model-problem", Static).update(
            Text(f"Checking that {describe_model(model)} loads…", "italic")
        )
        self.check_model(model)

    @work(thread=True, exclusive=True, group="check-model")
    def check_model(self, model: str | None) -> None:
        transcriber = Transcriber(model)
        try:
            transcriber.load()
        except RehearseError as error:
            self.post_message(ModelChecked(transcriber, str(error)))
        else:
            self.post_message(ModelChecked(transcriber, None))

    def on_model_checked(self, message: ModelChecked) -> None:
        settings, self.checking = self.checking, None
        if settings is None or not self.app.is_running:
            return
        if message.problem:
            name = describe_model(message.transcriber.model_spec)
            self.query_one("#model-problem", Static).update(
                Text.assemble(
                    (f"✘ {name} cannot be used, so nothing was saved: ", "bold red"),
                    (message.problem, "red"),
                    (
                        "\nClear the field for the bundled tiny.en, or type the folder of a"
                        " model on this machine.",
                        "",
                    ),
                )
            )
            self.notify(
                f"{name} cannot be used; nothing was saved.", title="Speech model", severity="error"
            )
            self.query_one("#model", Input).focus()
            return
        self._save(settings, message.transcriber)

    def _save(self, settings: Settings, loaded: Transcriber | None) -> None:
        app = self.rehearse
        try:
            settings.save(app.data_dir)
        except RehearseError as error:
            self.notify(str(error), title="Settings", severity="error")
            return
        app.settings = settings
        app.switch_model(settings.model, loaded)
        self.notify("Settings saved.")
        self.dismiss(None)

    def action_back(self) -> None:
        self.dismiss(None)


def _targets_text(settings: Settings, bank: list[Rubric]) -> Text:
    from rehearse.service import target_for

    own = [(r, target_for(r, settings)) for r in bank]
    yours = [(r, t) for r, t in own if t.source == "yours"]
    if not yours:
        return Text("None: every question uses its own. Press t on the question list to set one.")
    text = Text("Press t on the question list to change one.\n")
    for rubric, target in yours:
        low, high = target.seconds
        text.append(f"{rubric.id}: {clock(low)}–{clock(high)}\n")
    text.rstrip()
    return text


def _chosen(select: Select[str]) -> str | None:
    value = select.value
    return value if isinstance(value, str) and value != DEFAULT else None
