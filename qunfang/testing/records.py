"""Every app's records at one place, each carrying a text the walks look for: what the walks of every
page aim at (the sibling walk, the masking walk, the escaping walk) and what the fuzzer and the recount
find in place.

An app offers its part by naming, on its AppConfig, `test_records = "<module>.<function>"` (by custom
`qunfang.<app>.testing.records_at`), called as `records_at(place, by=, text=, id_number=, made=)`. It
returns its records keyed by the route parameter names that address them (`{"donation_id": gift}`),
the plain values of parameters that are no record (`"action": "finalize"`) included. `made` holds what
the apps before it in INSTALLED_APPS made, for an app whose records need another's (a phone campaign
to mobilization's team)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string

from qunfang.core.models import Level, OrgUnit, User
from qunfang.testing.world import SAMPLE_ID


class Made(dict):
    """The records made so far; a missing one names the cause."""

    def __missing__(self, name: str):
        raise KeyError(
            f"no app before this one made '{name}': list the app that makes it earlier in INSTALLED_APPS"
        )


def factories() -> list[tuple[str, Callable]]:
    """Every app's records_at, in INSTALLED_APPS order."""
    return [
        (config.label, import_string(config.test_records))
        for config in apps.get_app_configs()
        if getattr(config, "test_records", None)
    ]


def records_at(place: OrgUnit, *, by: User, text: str, id_number: str = SAMPLE_ID) -> dict[str, Any]:
    """Every app's records at `place`, made by `by` (a user of the place), each carrying `text`."""
    made = Made()
    for app, make in factories():
        part = make(place, by=by, text=text, id_number=id_number, made=made)
        taken = set(part) & set(made)
        assert not taken, f"{app} makes records for parameters another app already names: {sorted(taken)}"
        made.update(part)
    return dict(made)


def first_village(place: OrgUnit) -> OrgUnit:
    """The place's first village (the place itself when it is one): where reports and registers go."""
    return OrgUnit.objects.filter(path__startswith=place.path, level=Level.VILLAGE).order_by("path").first()
