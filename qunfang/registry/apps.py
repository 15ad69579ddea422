from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "qunfang.registry"
    label = "registry"
    verbose_name = _("Veterans registry")
    test_records = "qunfang.registry.testing.records_at"  # qunfang/testing/records
    place_links = "qunfang.registry.home.place_links"  # lib/work
    menu = "qunfang.registry.home.menu"  # lib/work
