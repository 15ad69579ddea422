"""One file per person: what each app puts on a veteran's page. The roll's page shows the person's
facts, family and moves, then every other app's cards about them (visits, help, petitions, plaque), so
a new app touches only its own folder and settings.

An app offers its cards by naming, on its AppConfig, `person_sections = "<module>.<function>"`, called
with (request, veteran): a list of HTML fragments (each a `<section class="card">`, drawn with
`render_to_string(..., request=request)`), only what `request.scope` may see of that person at their
place, and nothing when it may see none of it."""

from __future__ import annotations

from django.utils.safestring import SafeString

from qunfang.lib.apps import app_entries


def sections_for(request, veteran) -> list[SafeString]:
    """Every app's cards about `veteran`, in INSTALLED_APPS order."""
    return [section for _config, read in app_entries("person_sections") for section in read(request, veteran)]
