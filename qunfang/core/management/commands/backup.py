from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qunfang.lib.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Write a consistent backup (database, uploads; keys only with --include-keys) while Qunfang runs."

    def add_arguments(self, parser):
        parser.add_argument("destination", nargs="?", default=".", help="a folder or an archive file name")
        parser.add_argument("--include-keys", action="store_true", help="put the keys in the archive too")

    def handle(self, *args, destination, include_keys, **options):
        try:
            path = create_backup(Path(destination), include_keys=include_keys)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(path))
