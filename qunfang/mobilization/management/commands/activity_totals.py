from django.core.management.base import BaseCommand, CommandError

from qunfang.mobilization import services


class Command(BaseCommand):
    help = "Check the kept activity totals against the ledger, or make them again from it (after a restore)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="make the totals again from the ledger")

    def handle(self, *args, rebuild: bool, **options):
        if rebuild:
            self.stdout.write(f"{services.rebuild_totals():,} totals made from the ledger.")
        kept, recomputed = services.kept_totals(), services.totals_from_ledger()
        wrong = {key for key in kept.keys() | recomputed.keys() if kept.get(key) != recomputed.get(key)}
        if wrong:
            raise CommandError(f"{len(wrong):,} kept totals disagree with the ledger; run with --rebuild.")
        self.stdout.write(f"All {len(kept):,} kept totals agree with the ledger.")
