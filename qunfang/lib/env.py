"""Typed readers for the QUNFANG_* environment variables that configure a deployment."""

import os

from django.core.exceptions import ImproperlyConfigured

PREFIX = "QUNFANG_"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(PREFIX + name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(PREFIX + name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(PREFIX + name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        # Said in words at start-up, not as a traceback through settings.py.
        raise ImproperlyConfigured(f"{PREFIX}{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]
