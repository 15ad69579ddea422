import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count

from qunfang.core import audit
from qunfang.core.models import OrgUnit
from qunfang.lib.tables import Table, guess_mapping
from qunfang.registry import roll, services, synthetic
from qunfang.registry.models import Veteran

CHUNK = 100_000


class Command(BaseCommand):
    help = (
        "Make a synthetic province (合成省: 10 districts, 100 towns, 1,000 villages) and N synthetic "
        "veterans in it, through the roll import's checks and writes, for benchmarks. Safe to run again: "
        "it adds veterans up to N."
    )

    def add_arguments(self, parser):
        parser.add_argument("--veterans", type=int, required=True, help="how many veterans the province has")

    def handle(self, *args, veterans: int, **options):
        if veterans < 0:
            raise CommandError("--veterans must not be negative")
        province, villages = synthetic.synth_tree()
        present = Veteran.objects.under(province).count()
        mapping = guess_mapping(synthetic.HEADINGS, roll.COLUMNS)
        started = time.perf_counter()
        for start in range(present, veterans, CHUNK):
            count = min(CHUNK, veterans - start)
            body = list(
                enumerate(
                    synthetic.rows(villages, count, start=start, phone_base=13000000000, region="980100"),
                    start + 2,
                )
            )
            plan = services.plan_roll(
                within=province, table=Table(synthetic.HEADINGS, 1, body), mapping=mapping
            )
            if plan.errors:
                raise CommandError(f"synthetic rows were refused: {plan.errors[:3]}")
            with transaction.atomic():
                services.write_roll(by=None, within=province, plan=plan)
                audit.record(by=None, action="veteran.synth", place=province, target=province,
                             after={"new": len(plan.new)})  # fmt: skip
            rate = (start + count - present) / (time.perf_counter() - started)
            self.stdout.write(f"{start + count:,} veterans ({rate:,.0f} a second)")
        places = OrgUnit.objects.under(province).aggregate(n=Count("pk"))["n"]
        self.stdout.write(f"合成省: {places:,} places, {max(present, veterans):,} veterans.")
