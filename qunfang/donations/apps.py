from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from qunfang.lib.tallies import KeptTotals


class DonationsConfig(AppConfig):
    name = "qunfang.donations"
    label = "donations"
    verbose_name = _("Donations")
    test_records = "qunfang.donations.testing.records_at"  # qunfang/testing/records
    figures = "qunfang.donations.selectors.figures_for"  # a place's figures (lib/figures)
    work = "qunfang.donations.home.work_for"  # lib/work
    place_links = "qunfang.donations.home.place_links"  # lib/work
    kept_totals = KeptTotals(  # `qunfang tallies`
        what="donation totals",
        source="the donations",
        model="donations.DonationTotal",
        count_disagreements="qunfang.donations.services.count_disagreements",
        rebuild="qunfang.donations.services.rebuild_totals",
    )

    def ready(self):
        from qunfang.core.signals import place_moved
        from qunfang.donations import services

        place_moved.connect(services.move_totals, dispatch_uid="donations.move_totals")
