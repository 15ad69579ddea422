"""The machinery of the walks over every page (the sibling walk, the masking walk, the escaping and
once-only walks): the pages' routes, a route filled with the ids of the records the apps made, and a
snapshot of every row of every app, to show that a walk changed nothing."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

# The operator's admin has its own test; the API is walked through its OpenAPI document.
SKIPPED_NAMESPACES = {"admin", "api"}

# The only writes a reader makes: a sign-in stamps the user, an API call the token it came with; and
# the audit log gains what she read or began in her own scope (an export, her own enrolment).
STAMPED_BY_READING = {"core.user": {"last_login"}, "core.accesstoken": {"last_used_at"}}
APPENDED_BY_READING = {"core.auditentry"}


def page_routes() -> Iterator[tuple[str, Callable]]:
    """Every page's route ("/places/<int:place_id>/") and view, read from the URL configuration."""

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace not in SKIPPED_NAMESPACES:
                    yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    yield from walk(get_resolver().url_patterns, "/")


def route_ids(records: Mapping[str, Any]) -> dict[str, Any]:
    """Records by route parameter name ({"donation_id": gift}) as the values a URL carries."""
    return {name: getattr(value, "pk", value) for name, value in records.items()}


def fill_route(route: str, ids: Mapping[str, Any]) -> str:
    """The route with each parameter replaced by the value `ids` has for its name."""

    def value(match):
        name = match.group(1)
        assert name in ids, (
            f"no app makes a record for a '{name}' parameter: return it from the app's testing.records_at"
        )
        return str(ids[name])

    return re.sub(r"<(?:\w+:)?(\w+)>", value, route)


def project_models() -> list:
    """Every model of the project's own apps, with the tables behind their many-to-many fields."""
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("qunfang.")
        for model in config.get_models(include_auto_created=True)
    ]


def snapshot() -> dict[str, list[dict]]:
    """Every row of every model of the project's apps, by model."""
    rows = {}
    for model in project_models():
        stamped = STAMPED_BY_READING.get(model._meta.label_lower, set())
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in stamped]
        rows[model._meta.label_lower] = list(model._default_manager.order_by("pk").values(*fields))
    return rows


def changed_since(before: dict[str, list[dict]]) -> list[str]:
    """The models whose rows differ from the snapshot `before` (of the audit log: whose rows then)."""
    after = snapshot()
    for label in APPENDED_BY_READING:
        after[label] = after[label][: len(before[label])]
    return [label for label in after if after[label] != before.get(label)]
