"""What each app offers a veteran on their home page: its `portal_links` (see apps.py)."""

from qunfang.lib.apps import app_entries
from qunfang.lib.work import AppLinks


def links_for(visitor) -> list[AppLinks]:
    found = []
    for config, read in app_entries("portal_links"):
        if links := read(visitor):
            found.append(AppLinks(title=str(config.verbose_name), links=links))
    return found
