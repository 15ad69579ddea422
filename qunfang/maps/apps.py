from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapsConfig(AppConfig):
    name = "qunfang.maps"
    label = "maps"
    verbose_name = _("Maps")
    test_records = "qunfang.maps.testing.records_at"  # qunfang/testing/records
    place_links = "qunfang.maps.home.place_links"  # lib/work
    dashboard_card = "maps/_dashboard.html"  # briefings dashboard
