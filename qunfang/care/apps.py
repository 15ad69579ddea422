from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from qunfang.lib.tallies import KeptTotals


class CareConfig(AppConfig):
    name = "qunfang.care"
    label = "care"
    verbose_name = _("Everyday care")
    # tasks the worker queues on a clock: seconds between runs (core/management/commands/worker.py)
    clock = {"qunfang.care.tasks.settle_new_people": 3600}
    capabilities = "qunfang.care.roles.CAPABILITIES"  # core/roles
    test_records = "qunfang.care.testing.records_at"  # qunfang/testing/records
    figures = "qunfang.care.selectors.figures_for"  # lib/figures
    work = "qunfang.care.home.work_for"  # lib/work
    place_links = "qunfang.care.home.place_links"  # lib/work
    person_sections = "qunfang.care.home.person_sections"  # lib/person
    briefing_sections = "qunfang.care.home.briefing_sections"  # briefings/writing
    dashboard_card = "care/dashboard_card.html"  # briefings dashboard
    kept_totals = KeptTotals(  # `qunfang tallies`
        what="care dues and contacts",
        source="the dues and contacts",
        model="care.DueTotal",
        count_disagreements="qunfang.care.services.kept.count_disagreements",
        rebuild="qunfang.care.services.kept.rebuild_totals",
    )

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_save

        from qunfang.care import receivers
        from qunfang.core.signals import place_moved
        from qunfang.registry.models import Veteran

        place_moved.connect(receivers.places_moved, dispatch_uid="care.move_totals")
        # The roll's edits (a move, a death, tags) move the person's dues in the same transaction,
        # without a hook in the registry: the dues keep the person's place to know where they were.
        post_save.connect(receivers.veteran_saved, sender=Veteran, dispatch_uid="care.veteran_saved")
        m2m_changed.connect(receivers.tags_changed, sender=Veteran.tags.through, dispatch_uid="care.tags")
