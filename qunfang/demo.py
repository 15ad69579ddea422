"""The demo data, built from the two reports. Each app adds its part to LOADERS; each loader is
idempotent and writes through the app's services, so the demo shows what the real code paths make."""

from qunfang.briefings import demo as briefings_demo
from qunfang.community import demo as community_demo
from qunfang.core import demo as core_demo
from qunfang.donations import demo as donations_demo
from qunfang.messaging import demo as messaging_demo
from qunfang.mobilization import demo as mobilization_demo
from qunfang.operations import demo as operations_demo
from qunfang.registry import demo as registry_demo
from qunfang.reporting import demo as reporting_demo

LOADERS = [
    core_demo.load,
    registry_demo.load,
    mobilization_demo.load,
    reporting_demo.load,
    messaging_demo.load,
    community_demo.load,
    donations_demo.load,
    operations_demo.load,
    briefings_demo.load,  # last: it writes from what the others recorded
]


def load_all() -> list[str]:
    """Load every app's demo data; returns the lines to print for the person who started the demo."""
    lines: list[str] = []
    for loader in LOADERS:
        lines.extend(loader())
    return lines
