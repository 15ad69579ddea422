"""What a person has to do, and where: each app's work due, its links at a place and its menu entries,
as the app owns them. The home page, the place page and the top menu gather them, so a new app touches
only its own folder and settings.

An app offers them by naming, on its AppConfig, any of:
- `work = "<module>.<function>"`, called with (scope, today): a list of `Due`, what this person must do
  today and what is late, each with its count and one link to it;
- `place_links = "<module>.<function>"`, called with (scope, place): the `Link`s its pages offer at a
  place, only those the scope may open;
- `menu = "<module>.<function>"`, called with (scope): the `Link`s of the top menu (or, `personal`, of
  the user's own menu) that lead somewhere this person has something to see.
Each checks the scope itself, as the figures do (lib/figures)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from qunfang.lib.apps import app_entries


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    primary: bool = False  # the place's everyday task, drawn as a full button
    personal: bool = False  # a menu entry about the user's own work, in the user's menu


@dataclass(frozen=True)
class Named:
    """One of the things a `Due` counts, by name: the station not yet reported, with its phone and the
    one-tap action that helps (a reminder)."""

    name: str
    url: str = ""
    phone: str = ""
    action_label: str = ""
    action_url: str = ""  # posted to, with the page's submission key


@dataclass(frozen=True)
class Due:
    title: str
    url: str
    count: int | None = None
    detail: str = ""  # a deadline, a period
    late: bool = False  # past its deadline: drawn in red, first
    done: bool = False  # nothing left to do: said, so the person need not look
    named: tuple[Named, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class AppLinks:
    title: str  # the app's name, heading its links
    links: list[Link]


def _readers(attribute: str) -> list[tuple[str, Callable]]:
    return [(str(config.verbose_name), read) for config, read in app_entries(attribute)]


def work_of_apps(scope, today) -> list[Due]:
    """Every app's work due for the person, late first, then what is left to do, then what is done."""
    found = [due for _title, read in _readers("work") for due in read(scope, today)]
    return sorted(found, key=lambda due: (not due.late, due.done))


def place_links_of_apps(scope, place) -> list[AppLinks]:
    """Every app's links at the place, in INSTALLED_APPS order, the apps with none left out."""
    found = [AppLinks(title, read(scope, place)) for title, read in _readers("place_links")]
    return [group for group in found if group.links]


def menu_of_apps(scope) -> list[Link]:
    return [link for _title, read in _readers("menu") for link in read(scope)]
