from django.core.management.base import BaseCommand, CommandError

from qunfang.donations import services
from qunfang.donations.models import DonationTotal


class Command(BaseCommand):
    help = "Check the kept donation totals against the donations, or make them again (after a restore)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="make the totals again from the donations")

    def handle(self, *args, rebuild: bool, **options):
        if rebuild:
            self.stdout.write(f"{services.rebuild_totals():,} totals made from the donations.")
        wrong = services.count_disagreements()
        if wrong:
            raise CommandError(f"{wrong:,} kept totals disagree with the donations; run with --rebuild.")
        self.stdout.write(f"All {DonationTotal.objects.count():,} kept totals agree with the donations.")
