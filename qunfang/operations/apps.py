from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "qunfang.operations"
    label = "operations"
    verbose_name = _("Bureau operations")
    # tasks the worker queues on a clock: seconds between runs (core/management/commands/worker.py)
    clock = {"qunfang.operations.tasks.remind_to_check_in": 300}
    test_records = "qunfang.operations.testing.records_at"  # qunfang/testing/records
    figures = "qunfang.operations.selectors.figures_for"  # a place's figures (lib/figures)
    work = "qunfang.operations.home.work_for"  # lib/work
    place_links = "qunfang.operations.home.place_links"  # lib/work
    menu = "qunfang.operations.home.menu"  # lib/work
