from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from qunfang.lib.tallies import KeptTotals


class HardshipConfig(AppConfig):
    name = "qunfang.hardship"
    label = "hardship"
    verbose_name = _("Hardship help")
    capabilities = "qunfang.hardship.capabilities.GRANTED"  # core/roles
    test_records = "qunfang.hardship.testing.records_at"  # qunfang/testing/records
    figures = "qunfang.hardship.selectors.figures_for"  # lib/figures
    work = "qunfang.hardship.home.work_for"  # lib/work
    place_links = "qunfang.hardship.home.place_links"  # lib/work
    person_sections = "qunfang.hardship.home.person_sections"  # lib/person
    briefing_sections = "qunfang.hardship.home.briefing_sections"  # briefings/writing
    dashboard_card = "hardship/_dashboard_card.html"  # briefings/views
    kept_totals = KeptTotals(  # `qunfang tallies`
        what="hardship totals",
        source="the funds' payments and the cases",
        model="hardship.HelpedDay",
        count_disagreements="qunfang.hardship.services.count_disagreements",
        rebuild="qunfang.hardship.services.rebuild_totals",
    )

    def ready(self):
        from qunfang.core.signals import place_moved
        from qunfang.hardship import services

        place_moved.connect(services.move_totals, dispatch_uid="hardship.move_totals")
