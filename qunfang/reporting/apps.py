from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "qunfang.reporting"
    label = "reporting"
    verbose_name = _("Daily reporting")
    test_records = "qunfang.reporting.testing.records_at"  # qunfang/testing/records
    figures = "qunfang.reporting.selectors.figures_for"  # a place's figures (lib/figures)
    work = "qunfang.reporting.home.work_for"  # lib/work
    place_links = "qunfang.reporting.home.place_links"  # lib/work
    audit_labels = "qunfang.reporting.home.audit_labels"  # core/audit_words

    def ready(self) -> None:
        from qunfang.core.signals import place_moved
        from qunfang.reporting import services

        place_moved.connect(services.move_tallies, dispatch_uid="reporting.move_tallies")
