"""The audit log as a reader would write it: what was done (a verb and the thing, from the target's own
model name), each changed field by its label, and values in words (是/否, lists and mappings spelled
out, codes by their names). Actions are named "<thing>.<verb>" by the services; the verb says what,
the target's model says to what, so a new service is read rightly without a new line here.

An app names codes of its own (the activity types in an activity's record, a report's fields) by
naming, on its AppConfig, `audit_labels = "<module>.<function>"`, which answers {code: label}."""

from __future__ import annotations

from functools import lru_cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from qunfang.lib.apps import app_entries

VERBS = {
    "create": pgettext_lazy("audit action", "created"),
    "save": pgettext_lazy("audit action", "saved"),
    "update": pgettext_lazy("audit action", "changed"),
    "edit": pgettext_lazy("audit action", "edited"),
    "rename": pgettext_lazy("audit action", "renamed"),
    "move": pgettext_lazy("audit action", "moved"),
    "record": pgettext_lazy("audit action", "recorded"),
    "correct": pgettext_lazy("audit action", "corrected"),
    "add": pgettext_lazy("audit action", "added"),
    "remove": pgettext_lazy("audit action", "removed"),
    "reveal": pgettext_lazy("audit action", "revealed (full ID number or phone)"),
    "reveal_number": pgettext_lazy("audit action", "revealed a number to call"),
    "export": pgettext_lazy("audit action", "exported"),
    "export_revealed": pgettext_lazy("audit action", "exported with full ID numbers and phones"),
    "export_queued": pgettext_lazy("audit action", "export queued"),
    "export_failed": pgettext_lazy("audit action", "export failed"),
    "import": pgettext_lazy("audit action", "imported"),
    "import_queued": pgettext_lazy("audit action", "import queued"),
    "import_uploaded": pgettext_lazy("audit action", "import uploaded"),
    "import_check": pgettext_lazy("audit action", "import checked"),
    "import_confirm": pgettext_lazy("audit action", "import confirmed"),
    "submit": pgettext_lazy("audit action", "submitted"),
    "approve": pgettext_lazy("audit action", "approved"),
    "return": pgettext_lazy("audit action", "returned"),
    "remind": pgettext_lazy("audit action", "reminded"),
    "start": pgettext_lazy("audit action", "started"),
    "close": pgettext_lazy("audit action", "closed"),
    "schedule": pgettext_lazy("audit action", "scheduled"),
    "unschedule": pgettext_lazy("audit action", "schedule cancelled"),
    "retry": pgettext_lazy("audit action", "sent again"),
    "call": pgettext_lazy("audit action", "call recorded"),
    "issue": pgettext_lazy("audit action", "issued"),
    "revoke": pgettext_lazy("audit action", "revoked"),
    "raise": pgettext_lazy("audit action", "key raised"),
    "sync": pgettext_lazy("audit action", "synced from a guard's phone"),
    "assign": pgettext_lazy("audit action", "assigned"),
    "assign_to_stations": pgettext_lazy("audit action", "given to every station below"),
    "answer": pgettext_lazy("audit action", "answered"),
    "confirm": pgettext_lazy("audit action", "confirmed"),
    "draft": pgettext_lazy("audit action", "drafted"),
    "finalize": pgettext_lazy("audit action", "made final"),
    "publish": pgettext_lazy("audit action", "published"),
    "progress": pgettext_lazy("audit action", "progress reported"),
    "deliver": pgettext_lazy("audit action", "delivered"),
    "receive": pgettext_lazy("audit action", "received"),
    "visit": pgettext_lazy("audit action", "visited"),
    "notice": pgettext_lazy("audit action", "notice given"),
    "health": pgettext_lazy("audit action", "health check recorded"),
    "staff": pgettext_lazy("audit action", "staff recorded"),
    "status": pgettext_lazy("audit action", "status changed"),
    "photos": pgettext_lazy("audit action", "photos added"),
    "check_in": pgettext_lazy("audit action", "recorded"),
    "leave": pgettext_lazy("audit action", "leave recorded"),
    "return_screening": pgettext_lazy("audit action", "return-to-work screening"),
    "handover": pgettext_lazy("audit action", "handed over"),
    "print_phones": pgettext_lazy("audit action", "printed with full phone numbers"),
    "form": pgettext_lazy("audit action", "formed"),
    "member": pgettext_lazy("audit action", "member added"),
    "family_add": pgettext_lazy("audit action", "family member added"),
    "family_update": pgettext_lazy("audit action", "family member changed"),
    "family_remove": pgettext_lazy("audit action", "family member removed"),
    "activate": pgettext_lazy("audit action", "switched on or off"),
    "set_password": pgettext_lazy("audit action", "password set"),
    "enrol_second_factor": pgettext_lazy("audit action", "enrolled an authenticator"),
    "start_second_factor": pgettext_lazy("audit action", "began enrolling an authenticator"),
    "reset_second_factor": pgettext_lazy("audit action", "authenticator reset"),
    "second_factor_refused": pgettext_lazy("audit action", "wrong authenticator code"),
    "end": pgettext_lazy("audit action", "ended"),
    "rebuild_totals": pgettext_lazy("audit action", "kept totals made again"),
    "rebuild_tallies": pgettext_lazy("audit action", "kept tallies made again"),
    "synth": pgettext_lazy("audit action", "synthetic roll made"),
}

# Targets whose model keeps no name of its own (verbose_name), by their label.
NOUNS = {
    "messaging.template": gettext_lazy("message template"),
    "messaging.campaign": gettext_lazy("campaign"),
    "messaging.message": gettext_lazy("message"),
    "community.crossing": gettext_lazy("crossing"),
    "mobilization.photo": gettext_lazy("photo"),
    "reporting.reminder": gettext_lazy("reminder"),
}

CHANNELS = {
    "web": gettext_lazy("on the web"),
    "api": gettext_lazy("through the API"),
    "cli": gettext_lazy("by a command"),
}

# Keys the services write that are not a field of the target's model.
WORDS = {
    "day": gettext_lazy("day"),
    "reason": gettext_lazy("reason"),
    "stored": gettext_lazy("kept"),
    "recipients": gettext_lazy("recipients"),
    "audience": gettext_lazy("audience"),
    "kind": gettext_lazy("kind"),
    "household": gettext_lazy("household"),
    "message": gettext_lazy("message"),
    "outcome": gettext_lazy("outcome"),
    "values": gettext_lazy("figures"),
    "zero": gettext_lazy("zero report"),
    "count": gettext_lazy("count"),
    "rows": gettext_lazy("rows"),
    "file": gettext_lazy("file"),
    "veterans": gettext_lazy("veterans"),
    "places": gettext_lazy("places"),
    "callers": gettext_lazy("callers"),
    "team": gettext_lazy("team"),
    "report": gettext_lazy("report"),
    "amount": gettext_lazy("amount (yuan)"),
    "quantity": gettext_lazy("quantity"),
    "parent": gettext_lazy("place above"),
    "role": gettext_lazy("role"),
    "user": gettext_lazy("user"),
    "name": gettext_lazy("name"),
    "status": gettext_lazy("status"),
    "note": gettext_lazy("note"),
    "place": gettext_lazy("place"),
}


@lru_cache(maxsize=1)
def _app_labels_readers() -> tuple:
    return tuple(read for _config, read in app_entries("audit_labels"))


def _app_labels() -> dict[str, str]:
    from qunfang.core.roles import Role

    labels: dict[str, str] = {code: str(label) for code, label in Role.choices}
    for read in _app_labels_readers():
        labels.update(read())
    return labels


def _model(entry):
    try:
        return apps.get_model(entry.target_type)
    except (LookupError, ValueError):
        return None


def action_in_words(entry) -> str:
    model = _model(entry)
    verb_code = entry.action.rsplit(".", 1)[-1]
    verb = VERBS.get(verb_code) or verb_code.replace("_", " ")
    if entry.target_type in NOUNS:
        thing = NOUNS[entry.target_type]
    elif model is not None:
        thing = model._meta.verbose_name
    else:
        thing = entry.action.split(".")[0].replace("_", " ")
    return _("%(thing)s %(verb)s") % {"thing": thing, "verb": verb}


def _field(model, key: str):
    """The target model's own field of that name (not a relation from another model), if any."""
    try:
        field = model._meta.get_field(key) if model is not None else None
    except FieldDoesNotExist:
        return None
    return field if getattr(field, "concrete", False) else None


def _field_label(model, key: str, labels: dict[str, str]) -> str:
    field = _field(model, key)
    named = field is not None and str(field.verbose_name) != key.replace("_", " ")  # a name of its own
    if named:
        return str(field.verbose_name)
    if key in WORDS:
        return str(WORDS[key])
    return labels.get(key) or key.replace("_", " ")


def _value(value, labels: dict[str, str], field=None) -> str:
    if field is not None and getattr(field, "flatchoices", None) and not isinstance(value, dict | list):
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.is_relation and field.many_to_one and isinstance(value, int):
        found = field.related_model._default_manager.filter(pk=value).first()  # a page holds 50 entries
        return str(found) if found is not None else str(value)
    if value is None or value == "":
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, dict):
        return "；".join(
            f"{labels.get(k) or WORDS.get(k) or k}：{_value(v, labels)}" for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return "、".join(_value(v, labels) for v in value)
    if isinstance(value, str):
        return str(labels.get(value) or WORDS.get(value) or value)
    return str(value)


def changes_in_words(entry) -> list[tuple[str, str, str]]:
    """Each changed field as (label, before, after), in words."""
    model, labels = _model(entry), _app_labels()
    return [
        (
            _field_label(model, key, labels),
            _value(old, labels) if old is not None else "",
            _value(new, labels),
        )
        for key, old, new in entry.changed_fields
    ]
