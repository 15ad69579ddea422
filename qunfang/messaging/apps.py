from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "qunfang.messaging"
    label = "messaging"
    verbose_name = _("Messaging")
    # tasks the worker queues on a clock: seconds between runs (core/management/commands/worker.py)
    clock = {
        "qunfang.messaging.tasks.collect_receipts": 300,
        "qunfang.messaging.tasks.start_due_campaigns": 60,
    }
    test_records = "qunfang.messaging.testing.records_at"  # qunfang/testing/records
    figures = "qunfang.messaging.selectors.figures_for"  # a place's figures (lib/figures)
    work = "qunfang.messaging.home.work_for"  # lib/work
    place_links = "qunfang.messaging.home.place_links"  # lib/work
    audit_labels = "qunfang.messaging.home.audit_labels"  # core/audit_words
    menu = "qunfang.messaging.home.menu"  # lib/work
