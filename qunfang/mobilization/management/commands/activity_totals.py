from django.core.management.base import BaseCommand, CommandError

from qunfang.mobilization import services
from qunfang.mobilization.models import DailyTotal


class Command(BaseCommand):
    help = "Check the kept activity totals against the ledger, or make them again from it (after a restore)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="make the totals again from the ledger")

    def handle(self, *args, rebuild: bool, **options):
        if rebuild:
            self.stdout.write(f"{services.rebuild_totals():,} totals made from the ledger.")
        wrong = services.count_disagreements()
        if wrong:
            raise CommandError(f"{wrong:,} kept totals disagree with the ledger; run with --rebuild.")
        self.stdout.write(f"All {DailyTotal.objects.count():,} kept totals agree with the ledger.")
