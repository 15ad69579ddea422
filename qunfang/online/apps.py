from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from qunfang.lib.tallies import KeptTotals


class OnlineConfig(AppConfig):
    name = "qunfang.online"
    label = "online"
    verbose_name = _("Services online")
    capabilities = "qunfang.online.capabilities.GRANTED"  # core/roles
    test_records = "qunfang.online.testing.records_at"  # qunfang/testing/records
    veteran_records = "qunfang.online.testing.veteran_records_of"  # portal/testing
    figures = "qunfang.online.selectors.figures_for"  # lib/figures
    work = "qunfang.online.home.work_for"  # lib/work
    place_links = "qunfang.online.home.place_links"  # lib/work
    portal_links = "qunfang.online.home.portal_links"  # portal/home_links
    briefing_sections = "qunfang.online.home.briefing_sections"  # briefings/writing
    dashboard_card = "online/_dashboard_card.html"  # briefings/views
    kept_totals = KeptTotals(  # `qunfang tallies`
        what="online applications",
        source="the applications' steps",
        model="online.ApplicationDay",
        count_disagreements="qunfang.online.totals.count_disagreements",
        rebuild="qunfang.online.totals.rebuild_totals",
    )

    def ready(self):
        from qunfang.core.signals import place_moved
        from qunfang.online import totals

        place_moved.connect(totals.move_totals, dispatch_uid="online.move_totals")
