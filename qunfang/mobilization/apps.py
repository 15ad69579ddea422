from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from qunfang.lib.tallies import KeptTotals


class MobilizationConfig(AppConfig):
    name = "qunfang.mobilization"
    label = "mobilization"
    verbose_name = _("Mobilization")
    # tasks the worker queues on a clock: seconds between runs (core/management/commands/worker.py)
    clock = {"qunfang.mobilization.tasks.fold_totals": 60}
    test_records = "qunfang.mobilization.testing.records_at"  # qunfang/testing/records
    figures = "qunfang.mobilization.selectors.figures_for"  # a place's figures (lib/figures)
    work = "qunfang.mobilization.home.work_for"  # lib/work
    place_links = "qunfang.mobilization.home.place_links"  # lib/work
    audit_labels = "qunfang.mobilization.home.audit_labels"  # core/audit_words
    kept_totals = KeptTotals(  # `qunfang tallies`
        what="activity totals",
        source="the ledger",
        model="mobilization.DailyTotal",
        count_disagreements="qunfang.mobilization.services.count_disagreements",
        rebuild="qunfang.mobilization.services.rebuild_totals",
        fold="qunfang.mobilization.services.fold_totals",
    )

    def ready(self):
        from qunfang.core.signals import place_moved
        from qunfang.mobilization import services

        place_moved.connect(services.move_totals, dispatch_uid="mobilization.move_totals")
