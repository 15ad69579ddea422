from django.core.management.base import BaseCommand

from qunfang.demo import load_all


class Command(BaseCommand):
    help = "Load the demo data built from the Qingxin and Hunnan reports (safe to run again)."

    def handle(self, *args, **options):
        for line in load_all():
            self.stdout.write(line)
