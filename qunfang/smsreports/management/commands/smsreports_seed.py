"""Write the default SMS keywords as a bureau's own, so that it can edit them: `smsreports_seed 441803`."""

from django.core.management.base import BaseCommand, CommandError

from qunfang.core.models import OrgUnit
from qunfang.smsreports import services


class Command(BaseCommand):
    help = "Write the default SMS keywords (日报, 发热 fr, 体温 tw …) as the place's own."

    def add_arguments(self, parser):
        parser.add_argument("code", help="the division code of the bureau's place")

    def handle(self, *args, code: str, **options):
        place = OrgUnit.objects.filter(code=code).first()
        if place is None:
            raise CommandError(f"no place has the code {code}")
        made = services.seed_keywords(place=place)
        self.stdout.write(f"{made} keywords written for {place.name}")
