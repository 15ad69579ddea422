from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qunfang.lib.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup archive into the configured, empty database and var/ folder."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true", help="replace a database that is not empty")

    def handle(self, *args, archive, force, **options):
        try:
            manifest = restore_backup(Path(archive), force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Restored {len(manifest['tables'])} tables, {rows} rows, from {manifest['created_at']}."
        )
