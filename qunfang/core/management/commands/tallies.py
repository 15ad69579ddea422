"""`qunfang tallies [--check | --rebuild | --fold] [--app LABEL]`: every app's kept sums up the place
tree (lib/tallies), checked against the raw rows they are summed from, made again from them (after a
restore), or with their pending deltas folded into the kept rows first (the worker's clock does that
every minute). The apps name theirs on their AppConfig (`kept_totals`)."""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string


def apps_keeping_totals() -> dict:
    """The label of every app that keeps totals, with its KeptTotals."""
    return {c.label: c.kept_totals for c in apps.get_app_configs() if getattr(c, "kept_totals", None)}


class Command(BaseCommand):
    help = "Check the kept totals of every app against their raw rows, or make them again (after a restore)."

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--check", action="store_true", help="check only (what it does by default)")
        action.add_argument("--rebuild", action="store_true", help="make the totals again from the raw rows")
        action.add_argument(
            "--fold", action="store_true", help="fold the pending deltas into the kept totals, then check"
        )
        parser.add_argument(
            "--app",
            action="append",
            choices=sorted(apps_keeping_totals()),
            help="only this app's totals (may be given more than once)",
        )

    def handle(self, *args, rebuild: bool, fold: bool, app: list[str] | None, **options):
        kept = apps_keeping_totals()
        wrong_ones = []
        for label in app or kept:
            totals = kept[label]
            if rebuild:
                made = import_string(totals.rebuild)()
                self.stdout.write(f"{label}: {made:,} {totals.what} made from {totals.source}.")
            if fold and totals.fold:
                moved = import_string(totals.fold)()
                self.stdout.write(f"{label}: {moved:,} pending {totals.what} folded into the kept ones.")
            wrong = import_string(totals.count_disagreements)()
            if wrong:
                wrong_ones.append(f"{label}: {wrong:,} kept {totals.what} disagree with {totals.source}")
            else:
                count = apps.get_model(totals.model).objects.count()
                self.stdout.write(f"{label}: all {count:,} kept {totals.what} agree with {totals.source}.")
        if wrong_ones:
            raise CommandError("; ".join(wrong_ones) + "; run with --rebuild.")
