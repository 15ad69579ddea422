"""The period's petitions and plaques on the dashboard (each app's card) and in a drafted briefing (each
app's section), in the figures' own numbers."""

from datetime import date

import pytest

from qunfang.briefings import services as briefings
from qunfang.petitions import services as petitions
from qunfang.plaques import services as plaques
from qunfang.registry import services as registry
from qunfang.registry.synthetic import synthetic_id

pytestmark = pytest.mark.django_db


def test_the_dashboard_and_the_briefing_tell_the_petitions_and_plaques(world, as_user):
    veterans = [
        registry.create_veteran(
            by=None, place=world.jingkou, name=f"老兵{n}", id_number=synthetic_id("441803", n)
        )
        for n in (31, 32, 33)
    ]
    petition = petitions.record_found(
        by=None, place=world.jingkou, veterans=veterans[:1], subject="事", matter="事", day=date(2019, 3, 4)
    )
    petitions.register(by=None, petition=petition, day=date(2019, 3, 5), owner=world.carol)
    petitions.resolve(by=None, petition=petition, day=date(2019, 3, 20), answer="已解决")
    plaques.hang(by=None, veteran=veterans[0], day=date(2019, 7, 25))
    plaques.hang(by=None, veteran=veterans[1], day=date(2019, 7, 26))
    period = "?start=2019-01-01&end=2019-12-31"
    page = as_user(world.alice).get(f"/places/{world.qingxin.pk}/dashboard/{period}").content.decode()
    assert "期内化解的信访件（按时1件）" in page and "待悬挂光荣牌的家庭" in page
    sections = briefings.draft_briefing(
        by=world.alice, place=world.qingxin, start=date(2019, 1, 1), end=date(2019, 12, 31)
    ).sections
    text = " ".join(s["text"] for s in sections)
    assert "发现登记退役军人信访件1件，化解1件（其中按时化解1件）" in text
    assert "为2户退役军人家庭悬挂光荣牌" in text and "尚有1户待悬挂" in text
