"""The demo data, built from the two reports. Each app's demo.load() adds its part, in INSTALLED_APPS
order (briefings last: it writes from what the others recorded); each is idempotent and writes
through the app's services, so the demo shows what the real code paths make."""

from qunfang.lib.apps import app_modules


def load_all() -> list[str]:
    """Load every app's demo data; returns the lines to print for the person who started the demo."""
    lines: list[str] = []
    for _config, demo in app_modules("demo"):
        lines.extend(demo.load())
    return lines
