from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmsReportsConfig(AppConfig):
    """Reports by SMS: a station texts its day's figures or its day's work from a registered phone; the
    providers' inbound messages are recorded through reporting's and mobilization's services."""

    name = "qunfang.smsreports"
    label = "smsreports"
    verbose_name = _("Reports by SMS")
    capabilities = "qunfang.smsreports.capabilities.CAPABILITIES"  # core/roles
    test_records = "qunfang.smsreports.testing.records_at"  # qunfang/testing/records
    place_links = "qunfang.smsreports.home.place_links"  # lib/work
    # tasks the worker queues on a clock: seconds between runs (core/management/commands/worker.py)
    clock = {"qunfang.smsreports.tasks.pull_tencent_replies": 60}
