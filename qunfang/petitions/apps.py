from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from qunfang.lib.tallies import KeptTotals


class PetitionsConfig(AppConfig):
    name = "qunfang.petitions"
    label = "petitions"
    verbose_name = _("Petitions")
    capabilities = "qunfang.petitions.capabilities.CAPABILITIES"  # core/roles
    test_records = "qunfang.petitions.testing.records_at"  # qunfang/testing/records
    figures = "qunfang.petitions.selectors.figures_for"  # lib/figures
    work = "qunfang.petitions.home.work_for"  # lib/work
    place_links = "qunfang.petitions.home.place_links"  # lib/work
    person_sections = "qunfang.petitions.home.person_sections"  # lib/person
    briefing_sections = "qunfang.petitions.home.briefing_sections"  # briefings/writing
    dashboard_card = "petitions/_dashboard.html"  # briefings/views
    kept_totals = KeptTotals(  # `qunfang tallies`
        what="petition totals",
        source="the petitions",
        model="petitions.PetitionTotal",
        count_disagreements="qunfang.petitions.services.count_disagreements",
        rebuild="qunfang.petitions.services.rebuild_totals",
    )

    def ready(self):
        from qunfang.core.signals import place_moved
        from qunfang.petitions import services

        place_moved.connect(services.move_totals, dispatch_uid="petitions.move_totals")
