"""The project's apps and what each offers, read from the apps themselves: the kernel and the site
(urls.py, api.py, demo.py, the worker's clock, the home and menus, the figures) name no app, so a new
app is one folder and one line of INSTALLED_APPS.

An app offers a thing either by a module of a known name (`urls`, `api` with a `router`, `demo` with
a `load`) or by naming it on its AppConfig (`figures = "qunfang.x.selectors.figures_for"`)."""

from collections.abc import Iterator
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType
from typing import Any

from django.apps import AppConfig, apps
from django.utils.module_loading import import_string


def project_apps() -> list[AppConfig]:
    """Qunfang's own apps, in INSTALLED_APPS order (the order their demos load and their menus show)."""
    return [config for config in apps.get_app_configs() if config.name.startswith("qunfang.")]


def app_modules(name: str) -> Iterator[tuple[AppConfig, ModuleType]]:
    """Each project app's module `<app>.<name>` where the app has one."""
    for config in project_apps():
        if find_spec(f"{config.name}.{name}") is not None:
            yield config, import_module(f"{config.name}.{name}")


def app_entries(attribute: str) -> Iterator[tuple[AppConfig, Any]]:
    """Each project app's `attribute` of its AppConfig where set, a dotted path imported."""
    for config in project_apps():
        if value := getattr(config, attribute, None):
            yield config, import_string(value) if isinstance(value, str) else value
