"""Bureau operations' records at a place, for the walks and the other tests (qunfang/testing/records.py):
a section and a staff member (checked in with a fever, screened on return, on leave), a leading group,
a plan with a task given to the station, a duty shift, a disinfection."""

from datetime import date, timedelta

from django.utils import timezone

from qunfang.operations import services


def records_at(place, *, by, text, id_number, made) -> dict:
    section = services.save_section(by=None, place=place, name=text[:60], duties=text[:300])
    member = services.save_staff(
        by=None, place=place, name=text[:50], title=text[:60], section=section, phone="13700137005"
    )
    group = services.form_group(
        by=None, place=place, name=text[:100], purpose=text[:300], formed_on=date(2020, 1, 25)
    )
    in_group = services.set_group_member(
        by=None, group=group, staff=member, role="leader", responsibility=text[:300]
    )
    plan = services.save_plan(
        by=None, place=place, title=text[:120], start=date(2020, 1, 25), end=date(2020, 2, 25), text=text
    )
    task = services.add_task(
        by=None, plan=plan, title=text[:200], due=date(2020, 2, 1), owner=services.Owner(station=place),
        detail=text,
    )  # fmt: skip
    services.report_progress(by=None, task=task, status="doing", note=text[:500])
    _health(member, text)
    starts = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    shift = services.save_shift(
        by=None, place=place, start=starts, end=starts + timedelta(hours=8), leader=member, staff=[member],
        handover_note=text,
    )  # fmt: skip
    services.record_measure(
        by=None, place=place, day=timezone.localdate(), site=text[:100], kind="disinfection",
        note=text[:300], done_by=text[:50],
    )  # fmt: skip
    return {
        "staff_member_id": member,
        "group_id": group,
        "group_member_id": in_group,
        "plan_id": plan,
        "task_id": task,
        "shift_id": shift,
        "list_name": "staff",  # the exported list the API is asked for (api/exports.py)
    }


def _health(member, text) -> None:
    """Today's check-in with a fever, a return screening and a sick leave."""
    today = timezone.localdate()
    services.check_in(
        by=None, staff=member, day=today, temperature="37.9", whereabouts=text[:100], symptoms=["cough"],
        came_back_from=text[:100], came_back_on=today,
    )  # fmt: skip
    services.screen_return(
        by=None, staff=member, first_day=date(2020, 2, 10), came_from=text[:100], temperature="36.5",
        note=text[:300],
    )  # fmt: skip
    services.record_leave(
        by=None, staff=member, kind="sick", start=date(2020, 2, 3), end=date(2020, 2, 4), reason=text[:300]
    )
