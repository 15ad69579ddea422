"""The kept totals follow a moved village to its new town; the list pages cost a fixed number of
queries however many cases and lines there are; attachments other than a PDF or a photo, or too large,
are refused and leave no file behind."""

import struct
import zlib
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from qunfang.core.access import Scope
from qunfang.core.models import Level
from qunfang.core.services import move_place
from qunfang.hardship import selectors, services
from qunfang.hardship.models import Attachment
from qunfang.hardship.tests.conftest import ID_NUMBERS, approved
from qunfang.registry.services import create_veteran
from qunfang.testing.clients import client_for
from qunfang.testing.world import place


def test_a_moved_village_takes_its_help_to_its_new_town(world, fund, veteran):
    case = approved(world, veteran, fund, amount="600")
    services.pay(by=world.alice, case=case, amount="600", day=date(2020, 1, 20))
    other_town = place(world.qingxin, "太和镇", Level.TOWN, "441803102")
    scope = Scope.for_user(world.alice)
    period = (date(2020, 1, 1), date(2020, 1, 31))
    assert selectors.figures_for(scope, world.longjing, *period).yuan_paid_in_period == "600.00"
    move_place(by=world.alice, place=world.jingkou, new_parent=other_town)
    assert selectors.figures_for(scope, world.longjing, *period).yuan_paid_in_period == "0.00"
    moved = selectors.figures_for(scope, other_town, *period)
    assert (moved.yuan_paid_in_period, moved.people_helped_in_period, moved.cases_paid) == ("600.00", 1, 1)
    assert selectors.figures_for(scope, world.qingxin, *period).cases_paid == 1
    assert services.count_disagreements() == 0


def test_the_lists_cost_the_same_for_many_cases(world, fund, veteran, django_assert_max_num_queries):
    others = [create_veteran(by=None, place=world.jingkou, name=f"老兵{n}", id_number=ID_NUMBERS[n])
              for n in range(3)]  # fmt: skip
    for someone in [veteran, *others]:
        case = approved(world, someone, fund, amount="100")
        services.pay(by=world.alice, case=case, amount="100", day=date(2020, 1, 20))
    alice = client_for(world.alice)
    alice.get(f"/places/{world.qingxin.pk}/hardship/")  # the session and menu, kept after the first
    with django_assert_max_num_queries(14):
        assert alice.get(f"/places/{world.qingxin.pk}/hardship/").status_code == 200
    with django_assert_max_num_queries(16):
        assert alice.get(f"/hardship/funds/{fund.pk}/").status_code == 200


def bomb_png() -> bytes:
    """A small PNG that says it is 30,000 pixels square (a decompression bomb)."""
    header = b"\x89PNG\r\n\x1a\n"
    ihdr = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return header + chunk + b"\x00\x00\x00\x00IEND\xaeB`\x82"


WRONG = "not the PDF or photo its name says"


@pytest.mark.parametrize(
    "name,content,says",
    [
        ("setup.exe", b"x" * 100, "Attach a PDF or a photo."),
        ("scan.pdf", b"x" * (10 * 1024 * 1024 + 1), "10 MB at most"),
        ("fake.pdf", b"%PDF-1.4 fake<script>", WRONG),
        ("evil.pdf", b"MZ\x90\x00\x03\x00\x00\x00", WRONG),
        ("page.jpg", b"<html><script>alert(1)</script></html>", WRONG),
        ("bomb.png", bomb_png(), WRONG),
    ],
)
def test_an_attachment_of_the_wrong_kind_or_size_is_refused(
    world, fund, veteran, settings, name, content, says
):
    case = approved(world, veteran, fund)
    upload = SimpleUploadedFile(name, content)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.attach(by=world.carol, case=case, upload=upload)
    assert says in " ".join(error.value.messages)
    assert Attachment.objects.count() == 0
    folder = Path(settings.MEDIA_ROOT) / "hardship"
    assert not folder.exists() or not any(folder.iterdir())
