from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    name = "qunfang.donations"
    label = "donations"
    verbose_name = _("Donations")

    def ready(self):
        from qunfang.core.signals import place_moved
        from qunfang.donations import services

        place_moved.connect(services.move_totals, dispatch_uid="donations.move_totals")
