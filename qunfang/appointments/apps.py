from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from qunfang.lib.tallies import KeptTotals


class AppointmentsConfig(AppConfig):
    name = "qunfang.appointments"
    label = "appointments"
    verbose_name = _("Appointments")
    capabilities = "qunfang.appointments.capabilities.CAPABILITIES"  # core/roles
    # tasks the worker queues on a clock: seconds between runs (core/management/commands/worker.py)
    clock = {"qunfang.appointments.tasks.send_reminders": 900}
    test_records = "qunfang.appointments.testing.records_at"  # qunfang/testing/records
    veteran_records = "qunfang.appointments.testing.veteran_records_of"  # the veteran walk (portal)
    figures = "qunfang.appointments.selectors.figures_for"  # lib/figures
    work = "qunfang.appointments.home.work_for"  # lib/work
    place_links = "qunfang.appointments.home.place_links"  # lib/work
    portal_links = "qunfang.appointments.home.portal_links"  # the veteran's home (portal)
    briefing_sections = "qunfang.appointments.home.briefing_sections"  # briefings/writing
    dashboard_card = "appointments/_dashboard.html"  # briefings/views
    kept_totals = KeptTotals(  # `qunfang tallies`
        what="appointment totals",
        source="the appointments",
        model="appointments.AppointmentTotal",
        count_disagreements="qunfang.appointments.services.count_disagreements",
        rebuild="qunfang.appointments.services.rebuild_totals",
    )

    def ready(self):
        from qunfang.appointments import services
        from qunfang.core.signals import place_moved

        place_moved.connect(services.move_totals, dispatch_uid="appointments.move_totals")
