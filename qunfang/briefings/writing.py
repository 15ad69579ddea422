"""How a briefing reads: its sections written from the figures, in the sentences the bureaus' own
briefings use (qingxin-2020-02-04.txt), in the language that is active (Chinese, or English). Only
what was counted is said: a section with nothing to report is left out."""

from datetime import date

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qunfang.briefings.selectors import Figures, yuan_text

OUTREACH = ("broadcasts", "door_to_door")  # told under "how veterans were reached", not "what they did"


def _join(parts: list[str]) -> str:
    return _("; ").join(parts)


NUMERALS = "一二三四五六七八九十"


def numbered(index: int, heading: str) -> str:
    """一、… in Chinese, 1. … otherwise: the numbers follow the sections actually written."""
    if translation.get_language().startswith("zh"):
        return f"{NUMERALS[index]}、{heading}"
    return f"{index + 1}. {heading}"


def we(found: Figures, parts: list[str]) -> str:
    """What "we" did, said by the bureau (我局) or by a station (我站)."""
    if found.bureau:
        return _("The bureau %(what)s.") % {"what": _join(parts)}
    return _("The station %(what)s.") % {"what": _join(parts)}


def day(value) -> str:
    """A day as the briefings write it: 2月3日, or 3 Feb."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return _("%(month)s/%(day)s") % {"month": value.month, "day": value.day}


def title(place_name: str, start, end) -> str:
    return _("Briefing on the epidemic prevention work of %(place)s (%(start)s to %(end)s)") % {
        "place": place_name,
        "start": day(start),
        "end": day(end),
    }


def sections(found: Figures, deeds) -> list[dict]:
    written = []
    organisation = found.organisation
    if organisation.get("group") or organisation.get("plan"):
        parts = []
        if organisation.get("group"):
            parts.append(
                _("formed the %(group)s headed by %(title)s %(head)s")
                % {
                    "group": organisation["group"],
                    "title": organisation["head_title"],
                    "head": organisation["head"],
                }
            )
        if organisation.get("plan"):
            parts.append(
                _("drew up the %(plan)s with %(tasks)s tasks given to their owners")
                % {"plan": organisation["plan"], "tasks": organisation["plan_tasks"]}
            )
        if organisation.get("shifts"):
            parts.append(
                _("kept 24-hour duty with a leader on duty, %(shifts)s shifts in the period")
                % {"shifts": organisation["shifts"]}
            )
        written.append(
            {
                "heading": pgettext("briefing section", "Leadership and organisation"),
                "text": we(found, parts),
            }
        )
    reached = []
    if found.sms_sent:
        reached.append(
            _("sent %(sms)s epidemic prevention reminders by SMS to the veterans") % {"sms": found.sms_sent}
        )
    broadcasts, door = found.activity("broadcasts"), found.activity("door_to_door")
    if broadcasts["count"]:
        reached.append(_("played publicity slogans %(count)s times") % {"count": broadcasts["count"]})
    if door["count"]:
        reached.append(
            _("went door to door %(count)s person-times, reaching %(reached)s people")
            % {"count": door["count"], "reached": door["reached"]}
        )
    if reached:
        written.append(
            {
                "heading": pgettext("briefing section", "Reaching the veterans"),
                "text": we(found, reached),
            }
        )
    done = [
        _("%(name)s %(count)s %(unit)s") % a
        for a in found.activities
        if a["count"] and a["code"] not in OUTREACH
    ]
    if done:
        written.append(
            {
                "heading": pgettext("briefing section", "What the volunteers did"),
                "text": _("By the count, the veterans helped with: %(what)s.") % {"what": _join(done)},
            }
        )
    if found.donations:
        parts = [
            _("%(total)s yuan raised in all (%(gifts)s gifts)")
            % {"total": yuan_text(found.donations_total), "gifts": found.donations}
        ]
        parts += [
            _("%(amount)s yuan of it for %(purpose)s")
            % {"amount": yuan_text(p["amount"]), "purpose": p["purpose"]}
            for p in found.by_purpose
            if p["purpose"]
        ]
        parts += [
            _("%(count)s veterans' gifts of %(total)s yuan handed over to %(recipient)s on %(day)s")
            % {
                "count": h["donations"],
                "total": yuan_text(h["total"]),
                "recipient": h["recipient"],
                "day": day(h["day"]),
            }
            for h in found.handovers
        ]
        written.append(
            {
                "heading": pgettext("briefing section", "Donations"),
                "text": _("%(what)s.") % {"what": _join(parts)},
            }
        )
    community = found.community
    if community:
        text = _(
            "%(place)s has %(buildings)s buildings and %(households)s households, %(residents)s residents."
        ) % {"place": found.place, **community}
        if community.get("merchants"):
            text += _(
                " Staff visited %(merchants)s merchants and delivered the notice letter and the staff "
                "registration book to the %(open)s that have opened."
            ) % {"merchants": community["merchants"], "open": community["notices_delivered"]}
        written.append({"heading": pgettext("briefing section", "The community"), "text": text})
    written = [{**part, "heading": numbered(n, part["heading"])} for n, part in enumerate(written)]
    for deed in deeds:
        captions = "".join(
            _(" (Photo: %(caption)s)") % {"caption": p.caption} for p in deed.photos.all() if p.caption
        )
        written.append(
            {"heading": _("Deed: %(title)s") % {"title": deed.title}, "text": deed.story + captions}
        )
    return written
