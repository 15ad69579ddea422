from django.core.management.base import BaseCommand, CommandError

from qunfang.reporting import services
from qunfang.reporting.models import ReportTally


class Command(BaseCommand):
    help = (
        "Check the kept report tallies against the reports, or make them again from them (after a restore)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="make the tallies again from the reports")

    def handle(self, *args, rebuild: bool, **options):
        if rebuild:
            self.stdout.write(f"{services.rebuild_tallies():,} tallies made from the reports.")
        wrong = services.count_tally_disagreements()
        if wrong:
            raise CommandError(f"{wrong:,} kept tallies disagree with the reports; run with --rebuild.")
        self.stdout.write(f"All {ReportTally.objects.count():,} kept tallies agree with the reports.")
