"""The community's lists as spreadsheets: each list's columns, declared once (lib/exports)."""

from django.utils.translation import gettext_lazy as _

from qunfang.lib.exports import Column, Export, minute, text, yes_no

REQUESTS = Export(
    Column("created_at", _("Taken"), lambda r: minute(r.created_at)),
    Column("channel", _("How it came"), lambda r: r.get_channel_display()),
    Column("category", _("Category"), lambda r: r.get_category_display()),
    Column("household", _("Household"), lambda r: text(r.household)),
    Column("text", _("Request or question"), lambda r: r.text),
    Column("assigned_to", _("Assigned to"), lambda r: text(r.assigned_to or r.volunteer)),
    Column("status", _("Status"), lambda r: r.get_status_display()),
    Column("answer", _("Answer"), lambda r: r.answer),
)

MERCHANTS = Export(
    Column("name", _("Name"), lambda m: m.name),
    Column("kind", _("Kind"), lambda m: m.get_kind_display()),
    Column("address", _("Address"), lambda m: m.address),
    Column("is_open", _("Trading"), lambda m: yes_no(m.is_open)),
    Column("contact", _("Contact person"), lambda m: m.contact),
    Column("phone", _("Contact phone"), lambda m: text(m.phone)),
    Column("last_visit", _("Last visit"), lambda m: text(m.last_visit)),
    Column("noticed", _("Notice given"), lambda m: yes_no(m.noticed)),
    Column("staff_count", _("Staff"), lambda m: m.staff_count),
)

SCREENING_CALLS = Export(
    Column("day", _("Day"), lambda c: str(c.day)),
    Column("grid", _("Grid"), lambda c: c.place.name),
    Column("household", _("Household"), lambda c: str(c.household)),
    Column("caller", _("Caller"), lambda c: text(c.caller)),
    Column("outcome", _("Outcome"), lambda c: c.get_outcome_display() if c.outcome else str(_("To call"))),
    Column("note", _("Note"), lambda c: c.note),
    Column("called_at", _("Called at"), lambda c: minute(c.called_at)),
)
