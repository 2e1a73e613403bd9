"""Settings that persist in the data directory: devices, speech model and target override."""

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

from rehearse.audio.devices import list_devices
from rehearse.errors import RehearseError, UsageError
from rehearse.storage.settings import parse_target
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


class SettingsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "back", "Back without saving"),
    ]
    HELP = "Microphone, speakers, speech model and target length; saved in the data directory."
    AUTO_FOCUS = "#input-device"

    @property
    def rehearse(self) -> AppContext:
        return context(self.app)

    def compose(self) -> ComposeResult:
        settings = self.rehearse.settings
        target = settings.target_seconds
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
            yield Label("Target length override, seconds")
            yield Input(
                f"{target[0]}-{target[1]}" if target else "",
                placeholder="blank: each question's own target · e.g. 60-90",
                id="target",
                compact=True,
            )
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

    def action_save(self) -> None:
        app = self.rehearse
        try:
            target = parse_target(self.query_one("#target", Input).value)
        except UsageError as error:
            self.notify(str(error), title="Target", severity="error")
            self.query_one("#target").focus()
            return
        model = self.query_one("#model", Input).value.strip() or None
        settings = replace(
            app.settings,
            input_device=_chosen(self.query_one("#input-device", Select)),
            output_device=_chosen(self.query_one("#output-device", Select)),
            model=model,
            target_seconds=target,
        )
        try:
            settings.save(app.data_dir)
        except RehearseError as error:
            self.notify(str(error), title="Settings", severity="error")
            return
        previous, app.settings = app.settings, settings
        if model != previous.model:
            app.switch_model(model)
        self.notify("Settings saved.")
        self.dismiss(None)

    def action_back(self) -> None:
        self.dismiss(None)


def _chosen(select: Select[str]) -> str | None:
    value = select.value
    return value if isinstance(value, str) and value != DEFAULT else None
