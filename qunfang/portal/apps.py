from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The veteran's own pages, apart from the staff's: a sign-in by a code sent by SMS to the mobile on
    the roll, and a scope of one phone's own people. Other apps put their links on the veteran's home
    by naming `portal_links` on their AppConfig, and their records for the veteran walk by naming
    `veteran_records` (portal/testing.py)."""

    name = "qunfang.portal"
    label = "portal"
    verbose_name = _("Veterans' own pages")
    clock = {"qunfang.portal.tasks.forget_old_codes": 3600}  # core/management/commands/worker.py
