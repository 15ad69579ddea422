from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from qunfang.lib.tallies import KeptTotals


class ReportingConfig(AppConfig):
    name = "qunfang.reporting"
    label = "reporting"
    verbose_name = _("Daily reporting")
    # tasks the worker queues on a clock: seconds between runs (core/management/commands/worker.py)
    clock = {"qunfang.reporting.tasks.send_due_reminders": 300, "qunfang.reporting.tasks.fold_tallies": 60}
    test_records = "qunfang.reporting.testing.records_at"  # qunfang/testing/records
    figures = "qunfang.reporting.selectors.figures_for"  # a place's figures (lib/figures)
    work = "qunfang.reporting.home.work_for"  # lib/work
    place_links = "qunfang.reporting.home.place_links"  # lib/work
    audit_labels = "qunfang.reporting.home.audit_labels"  # core/audit_words
    kept_totals = KeptTotals(  # `qunfang tallies`
        what="report tallies",
        source="the reports",
        model="reporting.ReportTally",
        count_disagreements="qunfang.reporting.services.count_tally_disagreements",
        rebuild="qunfang.reporting.services.rebuild_tallies",
        fold="qunfang.reporting.services.fold_tallies",
    )

    def ready(self) -> None:
        from qunfang.core.signals import place_moved
        from qunfang.reporting import services

        place_moved.connect(services.move_tallies, dispatch_uid="reporting.move_tallies")
