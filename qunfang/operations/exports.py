"""The operations lists as spreadsheets: each list's columns, declared once (lib/exports)."""

from django.utils.translation import gettext_lazy as _

from qunfang.lib.exports import Column, Export, minute, text, yes_no, yes_or_blank
from qunfang.operations.models import Symptom


def _symptoms(check_in) -> str:
    names = dict(Symptom.choices)
    return "、".join(str(names.get(s, s)) for s in check_in.symptoms)


def _of_check_in(read):
    """A health-board row's value read from its check-in, blank when the person has not checked in."""
    return lambda row: read(row.check_in) if row.check_in else ""


STAFF = Export(
    Column("name", _("Name"), lambda p: p.name),
    Column("title", _("Post"), lambda p: p.title),
    Column("section", _("Section"), lambda p: p.section.name if p.section else ""),
    Column("place", _("Place"), lambda p: p.place.name),
    Column("phone", _("Mobile"), lambda p: p.phone.masked if p.phone else ""),
    Column("user", _("User account"), lambda p: p.user.username if p.user else ""),
    Column("active", _("Still on the staff"), lambda p: yes_no(p.active)),
)

# One row per member: the items are (group, member) pairs.
GROUP_MEMBERS = Export(
    Column("group", _("Group"), lambda pair: pair[0].name),
    Column("role", _("Role in the group"), lambda pair: pair[1].get_role_display()),
    Column("person", _("Person"), lambda pair: pair[1].staff.name),
    Column("title", _("Post"), lambda pair: pair[1].staff.title),
    Column("responsibility", _("Responsible for"), lambda pair: pair[1].responsibility),
)

TASKS = Export(
    Column("plan", _("Plan"), lambda t: t.plan.title),
    Column("title", _("Task"), lambda t: t.title),
    Column("owner", _("Given to"), lambda t: str(t.owner)),
    Column("place", _("Place"), lambda t: t.place.name),
    Column("due", _("Due"), lambda t: str(t.due)),
    Column("status", _("Status"), lambda t: t.get_status_display()),
    Column("done_on", _("Done on"), lambda t: text(t.done_on)),
    Column("overdue", _("Overdue"), lambda t: yes_or_blank(t.overdue)),
)

# The rows of the health board (selectors.health_board): a person with the day's check-in, if any.
HEALTH = Export(
    Column("name", _("Name"), lambda r: r.staff.name),
    Column("place", _("Place"), lambda r: r.staff.place.name),
    Column("temperature", _("Temperature (°C)"), _of_check_in(lambda c: c.temperature)),
    Column("symptoms", _("Symptoms"), _of_check_in(_symptoms)),
    Column("whereabouts", _("Where"), _of_check_in(lambda c: c.whereabouts)),
    Column("mode", _("Working"), _of_check_in(lambda c: c.get_mode_display())),
    Column("came_back_from", _("Came back from"), _of_check_in(lambda c: c.came_back_from)),
    Column("came_back_on", _("Came back on"), _of_check_in(lambda c: text(c.came_back_on))),
    Column("on_leave", _("On leave"), lambda r: r.on_leave.get_kind_display() if r.on_leave else ""),
)

LEAVE = Export(
    Column("name", _("Name"), lambda lv: lv.staff.name),
    Column("place", _("Place"), lambda lv: lv.staff.place.name),
    Column("kind", _("Kind"), lambda lv: lv.get_kind_display()),
    Column("start", _("From"), lambda lv: str(lv.start)),
    Column("end", _("To (inclusive)"), lambda lv: str(lv.end)),
    Column("reason", _("Reason"), lambda lv: lv.reason),
)

SHIFTS = Export(
    Column("start", _("From"), lambda s: minute(s.start)),
    Column("end", _("To"), lambda s: minute(s.end)),
    Column("leader", _("Leader on duty"), lambda s: s.leader.name if s.leader else ""),
    Column("staff", _("On duty"), lambda s: "、".join(p.name for p in s.staff.all())),
    Column("handover_note", _("Handover note"), lambda s: s.handover_note),
)

MEASURES = Export(
    Column("day", _("Day"), lambda m: str(m.day)),
    Column("place", _("Place"), lambda m: m.place.name),
    Column("site", _("Where"), lambda m: m.site),
    Column("kind", _("Measure"), lambda m: m.get_kind_display()),
    Column("done_by", _("Done by"), lambda m: m.done_by),
    Column("note", _("Note"), lambda m: m.note),
)
