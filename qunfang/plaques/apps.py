from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from qunfang.lib.tallies import KeptTotals


class PlaquesConfig(AppConfig):
    name = "qunfang.plaques"
    label = "plaques"
    verbose_name = _("Honour plaques")
    test_records = "qunfang.plaques.testing.records_at"  # qunfang/testing/records
    figures = "qunfang.plaques.selectors.figures_for"  # lib/figures
    work = "qunfang.plaques.home.work_for"  # lib/work
    place_links = "qunfang.plaques.home.place_links"  # lib/work
    person_sections = "qunfang.plaques.home.person_sections"  # lib/person
    briefing_sections = "qunfang.plaques.home.briefing_sections"  # briefings/writing
    dashboard_card = "plaques/_dashboard.html"  # briefings/views
    kept_totals = KeptTotals(  # `qunfang tallies`
        what="plaque totals",
        source="the plaques",
        model="plaques.PlaqueTotal",
        count_disagreements="qunfang.plaques.services.count_disagreements",
        rebuild="qunfang.plaques.services.rebuild_totals",
    )

    def ready(self):
        from qunfang.core.signals import place_moved
        from qunfang.plaques import services

        place_moved.connect(services.move_totals, dispatch_uid="plaques.move_totals")
