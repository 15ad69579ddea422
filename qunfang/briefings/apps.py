from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BriefingsConfig(AppConfig):
    name = "qunfang.briefings"
    label = "briefings"
    verbose_name = _("Dashboards and briefings")
    test_records = "qunfang.briefings.testing.records_at"  # qunfang/testing/records
    place_links = "qunfang.briefings.home.place_links"  # lib/work
