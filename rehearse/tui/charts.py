"""Trend charts of one question's attempts: spoken time against the target, fillers per minute,
and coverage, one point per attempt (x = the attempt's number at its question); and the progress
view's chart of any one rambling metric."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from textual.color import Color
from textual_plotext import PlotextPlot

from rehearse.storage.progress import TrendSeries
from rehearse.storage.trends import MetricTrend

ChartKind = Literal["duration", "fillers", "coverage"]
CHART_KINDS: tuple[ChartKind, ...] = ("duration", "fillers", "coverage")
CHART_TABS: dict[ChartKind, str] = {
    "duration": "Spoken time",
    "fillers": "Fillers/min",
    "coverage": "Coverage",
}


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least ``value`` (min 1)."""
    if value <= 1:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * magnitude >= value:
            return float(factor * magnitude)
    return float(10 * magnitude)


class TrendChart(PlotextPlot):
    """One of the three trends; ``show`` draws it for a question, or empty for none."""

    def __init__(self, kind: ChartKind, *, id: str | None = None, classes: str = "") -> None:
        super().__init__(id=id, classes=classes)
        self.kind = kind

    def show(self, series: TrendSeries | None) -> None:
        if self.kind == "duration":
            self._draw_duration(series)
        elif self.kind == "fillers":
            self._draw_fillers(series)
        else:
            self._draw_coverage(series)

    def _rgb(self, variable: str) -> tuple[int, int, int]:
        # Theme variables, so the chart follows the app's theme instead of fixed colours.
        return Color.parse(self.app.theme_variables.get(variable, "white")).rgb

    def _start(self, title: str, series: TrendSeries | None) -> None:
        plt = self.plt
        plt.clear_figure()
        self.refresh()
        if not series:
            plt.title(title)
            return
        # The question leads the title because, unfiltered, the charts follow the cursor.
        plt.title(f"{series.question_id} · {title}")
        # Half an attempt of margin either side keeps the end points off the frame; whole-number
        # ticks because attempts are counted, not measured.
        plt.xlim(0.5, len(series) + 0.5)
        numbers = [float(n) for n in series.attempt_numbers]
        step = max(1, len(numbers) // 10)
        plt.xticks(numbers[::step], [f"{n:g}" for n in numbers[::step]])

    def _plot_trend(self, series: TrendSeries, values: Sequence[float], colour: str) -> None:
        """A thin line through the attempts, with a dot on each one."""
        xs, ys = list(series.attempt_numbers), list(values)
        rgb = self._rgb(colour)
        self.plt.plot(xs, ys, color=rgb, marker="braille")
        self.plt.scatter(xs, ys, color=rgb, marker="●")

    def _draw_duration(self, series: TrendSeries | None) -> None:
        targets = series.targets() if series else []
        if len(targets) == 2:
            title = f"spoken seconds, target {targets[0]}–{targets[1]} s"
        else:
            title = "spoken seconds against the target"
        self._start(title, series)
        if not series:
            return
        band = self._rgb("success")
        self.plt.plot(*series.band("low"), color=band, marker="─")
        self.plt.plot(*series.band("high"), color=band, marker="─")
        self._plot_trend(series, series.speaking_seconds, "primary")
        top = max(max(series.speaking_seconds) * 1.1, targets[-1] * 1.2)
        self.plt.ylim(0, top)
        # Ticks on the target lines say what the band is without a legend over the data.
        ticks = [0.0, *map(float, targets)]
        self.plt.yticks(ticks, [f"{t:g}" for t in ticks])

    def _draw_fillers(self, series: TrendSeries | None) -> None:
        self._start("fillers per minute", series)
        if not series:
            return
        self._plot_trend(series, series.fillers_per_minute, "accent")
        top = nice_ceiling(max(series.fillers_per_minute) * 1.1)
        self.plt.ylim(0, top)
        ticks = [0, top / 2, top]
        self.plt.yticks(ticks, [f"{t:g}" for t in ticks])

    def _draw_coverage(self, series: TrendSeries | None) -> None:
        self._start("rubric points covered", series)
        if not series:
            return
        self._plot_trend(series, series.coverage_percent, "success")
        self.plt.ylim(0, 105)
        self.plt.yticks([0, 50, 100], ["0%", "50%", "100%"])


class MetricChart(PlotextPlot):
    """One rambling metric over a question's attempts (``rehearse.storage.trends``): a dot for
    each attempt that counts, the average of the last three as a line, and the best ringed.
    Tries cut short are left out, as they are of every figure."""

    def show(self, trend: MetricTrend | None, question_id: str = "") -> None:
        plt = self.plt
        plt.clear_figure()
        self.refresh()
        if trend is None:
            return
        info = trend.info
        better = {"lower": " · lower is better", "higher": " · higher is better"}
        plt.title(f"{question_id} · {info.label.lower()}{better.get(info.better or '', '')}")
        points = [p for p in trend.series if p.value is not None and p.counted]
        if not points:
            return
        # As in the trend charts: whole attempt numbers, half an attempt of margin.
        count = len(trend.series)
        plt.xlim(0.5, count + 0.5)
        numbers = [float(p.number) for p in trend.series]
        step = max(1, count // 10)
        plt.xticks(numbers[::step], [f"{n:g}" for n in numbers[::step]])
        xs = [p.number for p in points]
        values = [p.value for p in points]
        scale = 100.0 if info.unit == "%" else 1.0
        ys = [float(v) * scale for v in values if v is not None]
        averages = [float(p.average or 0) * scale for p in points]
        primary = self._rgb("primary")
        plt.scatter(xs, ys, color=primary, marker="●")
        plt.plot(xs, averages, color=self._rgb("accent"), marker="braille")
        if trend.best_number is not None and trend.best is not None:
            plt.scatter(
                [trend.best_number], [trend.best * scale], color=self._rgb("success"), marker="◉"
            )
        if info.unit == "%":
            plt.ylim(0, 105)
            plt.yticks([0, 50, 100], ["0%", "50%", "100%"])
            return
        top = nice_ceiling(max(ys) * 1.1)
        plt.ylim(0, top)
        ticks = [0, top / 2, top]
        plt.yticks(ticks, [f"{t:g}" for t in ticks])

    def _rgb(self, variable: str) -> tuple[int, int, int]:
        return Color.parse(self.app.theme_variables.get(variable, "white")).rgb
