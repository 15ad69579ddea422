from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from qunfang.lib.tallies import KeptTotals


class NeedsConfig(AppConfig):
    name = "qunfang.needs"
    label = "needs"
    verbose_name = _("Needs")
    test_records = "qunfang.needs.testing.records_at"  # qunfang/testing/records
    figures = "qunfang.needs.selectors.figures_for"  # a place's figures (lib/figures)
    work = "qunfang.needs.home.work_for"  # lib/work
    place_links = "qunfang.needs.home.place_links"  # lib/work
    briefing_sections = "qunfang.needs.home.briefing_sections"  # briefings/writing.py
    dashboard_card = "needs/_dashboard.html"  # briefings/views
    kept_totals = KeptTotals(  # `qunfang tallies`
        what="need totals",
        source="the needs and their deliveries",
        model="needs.NeedTotal",
        count_disagreements="qunfang.needs.services.count_disagreements",
        rebuild="qunfang.needs.services.rebuild_totals",
    )

    def ready(self):
        from qunfang.core.signals import place_moved
        from qunfang.needs import services

        place_moved.connect(services.move_totals, dispatch_uid="needs.move_totals")
