"""The operations pages as station staff, bureau admins and leaders use them: forms that refuse bad
input in Chinese and store nothing, one's own check-in and tasks, the exports and the printable week."""

import io
import subprocess
from datetime import date, timedelta

import openpyxl
import pytest
from django.utils import timezone

from qunfang.operations import services
from qunfang.operations.models import CheckIn, DutyShift, Leave, OfficeMeasure, StaffMember, Task


@pytest.fixture
def office(world):
    """The district bureau's staff, a plan, a shift tonight."""
    director = services.save_staff(by=world.alice, place=world.qingxin, name="李局长", title="局长")
    clerk = services.save_staff(by=world.alice, place=world.qingxin, name="张科员", user=world.alice)
    village = services.save_staff(by=world.carol, place=world.jingkou, name="何伟", user=world.carol)
    plan = services.save_plan(
        by=world.alice,
        place=world.qingxin,
        title="防控工作方案",
        start=date(2020, 1, 24),
        end=date(2020, 3, 31),
    )
    tonight = timezone.localtime().replace(hour=20, minute=0, second=0, microsecond=0)
    services.save_shift(
        by=world.alice,
        place=world.qingxin,
        start=tonight,
        end=tonight + timedelta(hours=12),
        leader=director,
        staff=[clerk],
    )
    return {"director": director, "clerk": clerk, "village": village, "plan": plan, "tonight": tonight}


def test_my_check_in_on_the_phone_form(world, office, as_user):
    client = as_user(world.carol)
    page = client.get("/my/check-in/")
    assert "何伟" in page.content.decode() and "今天所在地" in page.content.decode()
    refused = client.post("/my/check-in/", {"temperature": "50", "whereabouts": "迳口村", "mode": "at_work"})
    assert "体温 50.0 °C 不可能正确" in refused.content.decode()
    assert not CheckIn.objects.exists()
    done = client.post(
        "/my/check-in/", {"temperature": "36.4", "whereabouts": "迳口村", "mode": "at_work"}, follow=True
    )
    assert "已打卡：36.4 °C" in done.content.decode()
    assert CheckIn.objects.get().staff == office["village"]


def test_an_account_without_a_staff_member_is_told_what_to_do(world, as_user):
    page = as_user(world.dave).get("/my/check-in/")
    assert "您的账号尚未关联工作人员" in page.content.decode()


def test_the_health_board_lists_who_has_not_checked_in_and_exports(world, office, as_user):
    services.check_in(
        by=None,
        staff=office["clerk"],
        day=timezone.localdate(),
        temperature="37.8",
        whereabouts="局机关",
        symptoms=["cough"],
    )
    client = as_user(world.alice)
    text = client.get(f"/places/{world.qingxin.pk}/health/").content.decode()
    assert "未打卡" in text and "李局长" in text and "何伟" in text and "37.8" in text
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/places/{world.qingxin.pk}/health/?format=xlsx").content)
    ).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["张科员"][2] == 37.8 and rows["张科员"][3] == "咳嗽" and rows["李局长"][2] in ("", None)
    reminded = client.post(f"/places/{world.qingxin.pk}/health/remind/", follow=True)
    assert "已提醒 2 名工作人员" in reminded.content.decode()


def test_bad_leave_and_overlapping_shifts_are_refused_on_the_page(world, office, as_user):
    client = as_user(world.alice)
    refused = client.post(
        f"/places/{world.qingxin.pk}/leave/",
        {"staff": office["clerk"].pk, "kind": "sick", "start": "2020-02-05", "end": "2020-02-03"},
    )
    assert "假期的结束日期不能早于开始日期" in refused.content.decode()
    assert not Leave.objects.exists()
    start = office["tonight"] + timedelta(hours=6)
    refused = client.post(
        f"/places/{world.qingxin.pk}/roster/new/",
        {
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "end": (start + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"),
            "leader": office["director"].pk,
        },
    )
    assert "李局长已在" in refused.content.decode() and "同一人不能同时值两个班" in refused.content.decode()
    assert DutyShift.objects.count() == 1


def test_the_roster_week_shows_gaps_and_prints(world, office, as_user):
    client = as_user(world.alice)
    week = office["tonight"].date()
    text = client.get(f"/places/{world.qingxin.pk}/roster/?week={week}").content.decode()
    assert "李局长" in text and "无人值班" in text and "个小时值班未全覆盖" in text
    pdf = client.get(f"/places/{world.qingxin.pk}/roster/week.pdf?week={week}")
    assert pdf["Content-Type"] == "application/pdf"
    words = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "24 小时值班表" in words and "李局长" in words and "张科员" in words
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/places/{world.qingxin.pk}/roster/?week={week}&format=xlsx").content)
    ).active
    assert [r[2] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["李局长"]


def test_the_printed_week_carries_phones_in_full_only_when_revealed_and_audited(world, office, as_user):
    """The issue's steps: the printed week had no phone numbers. Masked on the plain print; in full
    when one who may reveal asks for them, with an audit entry; a leader who reads cannot."""
    from qunfang.core.models import AuditEntry
    from qunfang.core.personal import set_fields

    director = office["director"]
    set_fields(director, {"phone": "13912345678"})
    director.save()
    week = office["tonight"].date()
    client = as_user(world.alice)

    def words(response):
        found = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        )
        return found.stdout.decode()

    masked = words(client.get(f"/places/{world.qingxin.pk}/roster/week.pdf?week={week}"))
    assert "139****5678" in masked and "13912345678" not in masked
    assert not AuditEntry.objects.filter(action="duty_shift.print_phones").exists()
    full = words(client.post(f"/places/{world.qingxin.pk}/roster/week.pdf?week={week}"))
    assert "13912345678" in full
    assert AuditEntry.objects.filter(action="duty_shift.print_phones", actor=world.alice).count() == 1
    assert (
        as_user(world.leo).post(f"/places/{world.qingxin.pk}/roster/week.pdf?week={week}").status_code == 404
    )


def test_a_plan_gives_a_task_to_every_town_and_the_town_pushes_it_on(world, office, as_user):
    admin = as_user(world.alice)
    plan = office["plan"]
    answer = admin.post(
        f"/plans/{plan.pk}/",
        {"title": "全面摸排", "owner": f"below:{world.qingxin.pk}", "due": "2020-02-01"},
        follow=True,
    )
    assert "任务已分派" in answer.content.decode()
    town_task = Task.objects.get(place=world.longjing)
    clerk = as_user(world.bob)
    clerk.post(f"/tasks/{town_task.pk}/push-down/")
    assert sorted(Task.objects.filter(parent=town_task).values_list("place__name", flat=True)) == [
        "南坑村",
        "迳口村",
    ]
    village_task = Task.objects.get(place=world.jingkou)
    carol = as_user(world.carol)
    assert "全面摸排" in carol.get("/my/tasks/").content.decode()
    carol.post(f"/tasks/{village_task.pk}/", {"status": "done", "note": "已摸排 86 户"})
    page = admin.get(f"/plans/{plan.pk}/").content.decode()
    assert "迳口村" in page and "1/1" in page
    stranger = admin.post(
        f"/plans/{plan.pk}/", {"title": "越界", "owner": f"station:{world.hunnan.pk}", "due": "2020-02-01"}
    )
    assert "有效的选项" in stranger.content.decode()  # Hunnan is not among the choices at all
    assert not Task.objects.filter(title="越界").exists()
    sheet = openpyxl.load_workbook(io.BytesIO(admin.get(f"/plans/{plan.pk}/?format=xlsx").content)).active
    assert sheet.max_row == 1 + Task.objects.count()


def test_a_leader_reads_but_cannot_write(world, office, as_user):
    leader = as_user(world.leo)
    assert leader.get(f"/places/{world.qingxin.pk}/operations/").status_code == 200
    assert (
        leader.post(
            f"/places/{world.qingxin.pk}/measures/",
            {"day": "2020-02-01", "site": "大厅", "kind": "disinfection"},
        ).status_code
        == 404
    )
    assert leader.get(f"/places/{world.qingxin.pk}/staff/new/").status_code == 403
    assert not OfficeMeasure.objects.exists()


def test_measures_staff_and_leave_pages_record_and_export(world, office, as_user):
    client = as_user(world.alice)
    client.post(
        f"/places/{world.qingxin.pk}/measures/",
        {"day": str(timezone.localdate()), "site": "办公楼", "kind": "disinfection", "done_by": "张科员"},
    )
    future = client.post(
        f"/places/{world.qingxin.pk}/measures/",
        {"day": str(timezone.localdate() + timedelta(days=1)), "site": "大厅", "kind": "ventilation"},
    )
    assert "日期不能晚于今天" in future.content.decode()
    assert OfficeMeasure.objects.count() == 1
    client.post(
        f"/places/{world.qingxin.pk}/staff/new/",
        {"name": "王新", "title": "科员", "phone": "13800138009", "active": "on"},
    )
    assert StaffMember.objects.get(name="王新").phone.reveal() == "+8613800138009"
    page = client.get(f"/places/{world.qingxin.pk}/staff/").content.decode()
    assert "138****8009" in page and "13800138009" not in page
    for path in ("staff", "measures", "leave", "tasks", "leading-groups"):
        answer = client.get(f"/places/{world.qingxin.pk}/{path}/?format=xlsx")
        assert answer["Content-Type"].startswith("application/vnd.openxmlformats"), path
        openpyxl.load_workbook(io.BytesIO(answer.content))
