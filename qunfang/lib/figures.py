"""Figures as the apps own them: each app's selectors define a small dataclass of what they count for a
place and period, every field declared with `counted(definition)`, so the sentence that says what a
number is lives beside it, once. Dashboards show the definitions where they show the numbers (a tap on
the figure), the API lists them, and the briefings quote the same fields.

An app offers its figures by naming, on its AppConfig, `figures = "<module>.<function>"`, called with
scope, place, start and end; it checks the scope itself and answers empty figures for a place the
scope may not see. `figures_of_apps()` finds them, so a new app touches only its own folder."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qunfang.lib.apps import app_entries


def counted(definition, *, default: Any = 0, running: bool = False):
    """A figure and what it counts (a lazy translation). `running`: a total since the first record or a
    state of now, not bounded by the chosen period (shown as 累计 / 现有 with its date)."""
    if isinstance(default, list | dict):
        return field(default_factory=type(default), metadata={"definition": definition, "running": running})
    return field(default=default, metadata={"definition": definition, "running": running})


def definitions(figures) -> dict[str, dict]:
    """Each figure's definition and whether it is a running total, by field name."""
    return {
        f.name: {"definition": str(f.metadata["definition"]), "running": f.metadata["running"]}
        for f in dataclasses.fields(figures)
        if "definition" in f.metadata
    }


@dataclass(frozen=True)
class FigureSource:
    app: str  # the app label, which names its block of figures
    read: Callable  # read(scope, place, start, end) -> a dataclass of counted() fields


def figures_of_apps() -> list[FigureSource]:
    """Every installed app that offers figures, in INSTALLED_APPS order."""
    return [FigureSource(config.label, read) for config, read in app_entries("figures")]


def as_json(figures) -> dict:
    """A figures dataclass as JSON values (days as ISO text)."""

    def plain(value):
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    return {k: plain(v) for k, v in dataclasses.asdict(figures).items()}
