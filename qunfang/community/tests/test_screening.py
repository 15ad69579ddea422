"""Phone screening: a round shares a community's households out by grid (a grid worker calls her own
grid, the bureau's staff the rest), households without a phone wait for a visit, a household not
reached comes back the next day, one at risk becomes a follow-up for the caller; the caller's page
shows the number on demand (audited) and records the outcome."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from qunfang.community.models import ResidentRequest, ScreeningCall, ScreeningOutcome
from qunfang.community.selectors import screening as selectors
from qunfang.community.services import register
from qunfang.community.services import screening as services
from qunfang.community.services.screening import share_by_grid
from qunfang.core.access import Scope
from qunfang.core.models import AuditEntry, Level
from qunfang.core.roles import Role
from qunfang.testing.clients import api_client_for
from qunfang.testing.world import person, place


@pytest.fixture
def community(world):
    grids = [place(world.jingkou, f"第{n}网格", Level.GRID) for n in (1, 2)]
    for n, grid in enumerate(grids, start=1):
        building = register.save_building(by=None, community=world.jingkou, number=f"{n}栋", grid=grid)
        for room in range(101, 105):
            phone = "" if (n, room) == (2, 104) else f"1390000{n}{room}"
            register.save_household(by=None, building=building, unit="1单元", room=str(room), phone=phone)
    worker = person("grid1", grids[0], Role.GRID_WORKER, "网格员小李")
    return grids, worker


def start(world, community, callers=None):
    _grids, worker = community
    return services.start_round(
        by=world.carol, community=world.jingkou, name="第一轮排查", script="您好，家里有人发热吗？",
        callers=callers or [worker, world.carol],
    )  # fmt: skip


def test_households_are_shared_by_grid_among_the_callers(world, community):
    grids, worker = community
    round_ = start(world, community)
    calls = ScreeningCall.objects.filter(round=round_)
    assert calls.count() == 8
    assert set(calls.filter(caller=worker).values_list("place_id", flat=True)) == {grids[0].pk}
    assert calls.filter(caller=world.carol).count() == 4  # grid 2 has no caller of its own
    assert calls.get(outcome=ScreeningOutcome.NO_PHONE).household.room == "104"
    assert round_.script == "您好，家里有人发热吗？"


def test_sharing_gives_even_unbroken_runs():
    shared = share_by_grid([(n, 7) for n in range(10)], {None: [1, 2, 3]})
    assert [shared[n] for n in range(10)] == [1, 1, 1, 1, 2, 2, 2, 3, 3, 3]


def test_a_household_not_reached_comes_back_the_next_day(world, community):
    _grids, worker = community
    round_ = start(world, community)
    call = ScreeningCall.objects.filter(round=round_, caller=worker).first()
    services.record_call(
        by=worker, call=call, household_id=call.household_id, outcome=ScreeningOutcome.NO_ANSWER
    )
    again = ScreeningCall.objects.get(round=round_, household=call.household, outcome="")
    assert again.day == timezone.localdate() + timedelta(days=1) and again.caller == worker
    services.record_call(
        by=worker, call=call, household_id=call.household_id, outcome=ScreeningOutcome.NO_ANSWER
    )  # corrected: still one
    assert ScreeningCall.objects.filter(round=round_, household=call.household).count() == 2


def test_a_household_at_risk_becomes_a_follow_up_for_the_caller(world, community):
    _grids, worker = community
    round_ = start(world, community)
    call = ScreeningCall.objects.filter(round=round_, caller=worker).first()
    with pytest.raises(ValidationError):
        services.record_call(
            by=worker, call=call, household_id=call.household_id, outcome=ScreeningOutcome.SYMPTOMS
        )  # what was found?
    services.record_call(
        by=worker,
        call=call,
        household_id=call.household_id,
        outcome=ScreeningOutcome.SYMPTOMS,
        note="老人咳嗽两天",
    )
    services.record_call(
        by=worker,
        call=call,
        household_id=call.household_id,
        outcome=ScreeningOutcome.RISK_TRAVEL,
        note="儿子从武汉回来",
    )
    follow_up = ResidentRequest.objects.get()
    assert follow_up.assigned_to == worker and follow_up.household == call.household
    assert "老人咳嗽两天" in follow_up.text
    totals = selectors.totals(Scope.for_user(world.carol), round_)
    assert totals["at_risk"] == 1 and totals["households"] == 8


def test_bad_rounds_are_refused_and_nothing_is_written(world, community):
    _grids, worker = community
    for bad in ({"script": " "}, {"callers": []}, {"name": ""}):
        facts = {"name": "排查", "script": "您好", "callers": [worker], **bad}
        with pytest.raises(ValidationError):
            services.start_round(by=None, community=world.jingkou, **facts)
    with pytest.raises(ValidationError):
        services.start_round(by=None, community=world.nankeng, name="排查", script="您好", callers=[worker])
    assert not ScreeningCall.objects.exists()
    round_ = start(world, community)
    services.close_round(by=None, round_=round_)
    with pytest.raises(ValidationError):
        call = round_.calls.first()
        services.record_call(
            by=worker, call=call, household_id=call.household_id, outcome=ScreeningOutcome.REACHED
        )


def test_a_grid_worker_works_through_her_calls_on_the_page(world, community, as_user):
    grids, worker = community
    round_ = start(world, community)
    client = as_user(worker)
    page = client.get(f"/screening/{round_.pk}/calls/")
    assert page.status_code == 200 and "1栋1单元101" in page.content.decode()
    assert "2栋" not in page.content.decode()  # the other grid's households are not hers
    call = ScreeningCall.objects.filter(round=round_, caller=worker).first()
    shown = client.post(f"/screening/calls/{call.pk}/number/")
    assert "tel:+86139000011" in shown.content.decode()
    assert AuditEntry.objects.filter(action="screening.reveal_number", actor=worker).exists()
    client.post(
        f"/screening/calls/{call.pk}/",
        {"outcome": "reached", "note": "一切正常", "household": call.household_id},
    )
    call.refresh_from_db()
    assert call.outcome == "reached" and call.caller == worker
    round_page = as_user(world.carol).get(f"/screening/{round_.pk}/").content.decode()
    assert "网格员小李" in round_page and "第1网格" in round_page
    # Another grid's call is not hers to make.
    theirs = ScreeningCall.objects.filter(round=round_, caller=world.carol).first()
    assert client.post(f"/screening/calls/{theirs.pk}/", {"outcome": "reached"}).status_code == 404


def test_the_outcome_is_kept_only_for_the_household_whose_card_was_shown(world, community, as_user):
    """The issue's steps: she shows a number (the list used to reset to another view), saves an
    outcome, and it used to land on another household. The form names the household it showed; the
    service refuses a call that is another's, on the page and through the API."""
    grids, worker = community
    round_ = start(world, community)
    client = as_user(worker)
    first, second = ScreeningCall.objects.filter(round=round_, caller=worker).order_by("pk")[:2]
    listed = f"/screening/{round_.pk}/calls/?show=all&page=1"
    shown = client.post(f"/screening/calls/{first.pk}/number/", {"back": listed}).content.decode()
    assert str(first.household) in shown and "tel:+86139000011" in shown
    assert f'value="{first.household_id}"' in shown  # the outcome form names the household it shows
    assert f'href="{escape(listed)}#call-{first.pk}"' in shown  # back to the list as she left it
    answer = client.post(
        f"/screening/calls/{first.pk}/",
        {"outcome": "reached", "household": second.household_id, "back": listed},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.outcome == "" and second.outcome == ""
    assert answer.status_code == 302 and answer["Location"] == f"{listed}#call-{first.pk}"
    assert "另一户" in client.get(listed).content.decode()
    api = api_client_for(worker)
    url = f"/api/v1/community/screening-calls/{first.pk}"
    refused = api.post(
        url, {"household_id": second.household_id, "outcome": "reached"}, content_type="application/json"
    )
    assert refused.status_code == 422 and "另一户" in refused.json()["detail"][0]
    first.refresh_from_db()
    assert first.outcome == ""
    client.post(f"/screening/calls/{first.pk}/", {"outcome": "reached", "household": first.household_id})
    first.refresh_from_db()
    assert first.outcome == "reached"


def test_a_grid_worker_opens_the_round_by_its_name_and_finds_her_list(world, community, as_user):
    """The round's name on her grid's screening page used to lead to 未找到: the round is the village's."""
    grids, worker = community
    round_ = start(world, community)
    client = as_user(worker)
    rounds = client.get(f"/places/{grids[0].pk}/screening/").content.decode()
    assert f'href="/screening/{round_.pk}/"' in rounds
    page = client.get(f"/screening/{round_.pk}/")
    assert page.status_code == 200
    assert f'href="/screening/{round_.pk}/calls/"' in page.content.decode()
    assert "第2网格" not in page.content.decode()  # her grid's figures only
    home = client.get(f"/places/{grids[0].pk}/").content.decode()
    assert f"/screening/{round_.pk}/calls/" in home  # her calls of the day, one tap from her home


def test_the_round_exports_to_a_spreadsheet(world, community, as_user, tmp_path):
    round_ = start(world, community)
    response = as_user(world.carol).get(f"/screening/{round_.pk}/export.xlsx")
    path = tmp_path / "round.xlsx"
    path.write_bytes(response.content)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert len(rows) == 9 and rows[0][0] == "日期"


def test_the_call_page_opened_again_goes_back_to_the_list(world, community, as_user):
    """The helper's walk: a reload or Back on the call's page answered 405 with an empty page."""
    grids, worker = community
    round_ = start(world, community)
    call = ScreeningCall.objects.filter(round=round_, caller=worker).first()
    answer = as_user(worker).get(f"/screening/calls/{call.pk}/number/")
    assert answer.status_code == 302 and answer["Location"] == f"/screening/{round_.pk}/calls/#call-{call.pk}"
    assert not AuditEntry.objects.filter(action="screening.reveal_number").exists()  # nothing shown
