"""How a briefing reads: its sections written from the figures, in the sentences the bureaus' own
briefings use (qingxin-2020-02-04.txt), in the language that is active (Chinese, or English). Only
what was counted is said, and each sentence claims what its figure holds: the subject is who did the
work (the bureau or station itself, the stations below it, the volunteers), people and person-times
keep their units, a period's figures are the period's, and a community's register is that
community's. A section with nothing to report is left out. Another app adds its own sections by naming,
on its AppConfig, `briefing_sections = "<module>.<function>"`, called with the figures (`Figures`, its
block as `found.<app label>`): a list of {"heading", "text"}, empty when it has nothing to report."""

from datetime import date

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qunfang.briefings.selectors import Figures, yuan_text
from qunfang.lib.apps import app_entries

PUBLICITY = "publicity"  # activities of this category are told under "how veterans were reached"


def _join(parts: list[str]) -> str:
    return _("; ").join(parts)


NUMERALS = "一二三四五六七八九十"


def numbered(index: int, heading: str) -> str:
    """一、… in Chinese, 1. … otherwise: the numbers follow the sections actually written."""
    if translation.get_language().startswith("zh"):
        return f"{NUMERALS[index]}、{heading}"
    return f"{index + 1}. {heading}"


def said(found: Figures, own: list[str], below: list[str]) -> str:
    """What the place itself did (我局 / 我站) and what the stations below it did (各级服务站), each
    said by whoever did it."""
    sentences = []
    if own:
        if found.bureau:
            sentences.append(_("The bureau %(what)s.") % {"what": _join(own)})
        else:
            sentences.append(_("The station %(what)s.") % {"what": _join(own)})
    if below:
        sentences.append(_("The service stations at every level %(what)s.") % {"what": _join(below)})
    return "".join(sentences) if translation.get_language().startswith("zh") else " ".join(sentences)


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


def _organisation(found: Figures) -> dict | None:
    work = found.operations
    if work is None or not (work.leading_group or work.plan):
        return None
    parts = []
    if work.leading_group:
        parts.append(
            _("formed the %(group)s headed by %(title)s %(head)s")
            % {"group": work.leading_group, "title": work.group_head_title, "head": work.group_head}
        )
    if work.plan:
        parts.append(
            _("drew up the %(plan)s with %(tasks)s tasks given to their owners")
            % {"plan": work.plan, "tasks": work.plan_tasks}
        )
    if work.duty_shifts_in_period:
        parts.append(
            _("kept 24-hour duty with a leader on duty, %(shifts)s shifts in the period")
            % {"shifts": work.duty_shifts_in_period}
        )
    return {
        "heading": pgettext("briefing section", "Leadership and organisation"),
        "text": said(found, parts, []),
    }


def _outreach(a: dict, count: int, reached: int) -> str:
    if a["code"] == "broadcasts":
        return _("played publicity slogans %(count)s times") % {"count": count}
    if reached:
        return _("went door to door %(count)s person-times, reaching %(reached)s people") % {
            "count": count,
            "reached": reached,
        }
    return _("%(name)s %(count)s %(unit)s") % {**a, "count": count}


def _reaching(found: Figures) -> dict | None:
    own, below = [], []
    messages = found.messaging
    if messages and messages.sms_to_veterans_sent:
        by_us = messages.sms_to_veterans_by_this_place
        if by_us:
            own.append(
                _("sent %(sms)s epidemic prevention reminders by SMS to the veterans") % {"sms": by_us}
            )
        if messages.sms_to_veterans_sent - by_us:
            below.append(
                _("sent %(sms)s epidemic prevention reminders by SMS to the veterans")
                % {"sms": messages.sms_to_veterans_sent - by_us}
            )
    if messages and messages.calls_to_veterans_reached:
        own.append(
            _("called veterans by phone %(calls)s person-times")
            % {"calls": messages.calls_to_veterans_reached}
        )
    block = found.mobilization
    for a in [a for a in (block.activities if block else []) if a.get("category") == PUBLICITY]:
        if a.get("by_this_place"):
            own.append(_outreach(a, a["by_this_place"], a["reached_by_this_place"]))
        if a.get("by_stations_below"):
            below.append(_outreach(a, a["by_stations_below"], a["reached_by_stations_below"]))
    if not own and not below:
        return None
    return {"heading": pgettext("briefing section", "Reaching the veterans"), "text": said(found, own, below)}


def _work_done(found: Figures) -> dict | None:
    block = found.mobilization
    own, below = [], []
    for a in block.activities if block else []:
        if a.get("category") == PUBLICITY:
            continue
        if a["by_this_place"]:
            own.append(_("%(name)s %(count)s %(unit)s") % {**a, "count": a["by_this_place"]})
        if a["by_stations_below"]:
            below.append(_("%(name)s %(count)s %(unit)s") % {**a, "count": a["by_stations_below"]})
    if not own and not below:
        return None
    text = ""
    if own:
        text += said(found, [_("organised %(what)s") % {"what": _join(own)}], [])
    if below:
        text += _("By the count, the service stations at every level organised the veterans to help with: "
                  "%(what)s.") % {"what": _join(below)}  # fmt: skip
    return {"heading": pgettext("briefing section", "Work done"), "text": text}


def _handed_over(h: dict) -> str:
    facts = {"total": yuan_text(h["yuan"]), "recipient": h["recipient"], "day": day(h["day"])}
    if h["donors"] and h["veteran_donors"] == h["donors"]:
        return _("%(count)s veterans gave %(total)s yuan, handed over to %(recipient)s on %(day)s") % {
            **facts,
            "count": h["veteran_donors"],
        }
    return _(
        "%(gifts)s gifts of %(donors)s donors (%(veterans)s of them veterans), %(total)s yuan, handed over "
        "to %(recipient)s on %(day)s"
    ) % {**facts, "gifts": h["gifts"], "donors": h["donors"], "veterans": h["veteran_donors"]}


def _donations(found: Figures) -> dict | None:
    given = found.donations
    if given is None or not (given.gifts_in_period or given.handovers_in_period):
        return None
    parts = []
    if given.gifts_in_period:
        parts.append(
            _("%(total)s yuan raised in the period (%(gifts)s gifts from %(donors)s donors)")
            % {
                "total": yuan_text(given.yuan_in_period),
                "gifts": given.gifts_in_period,
                "donors": given.donors_in_period,
            }
        )
        parts += [
            _("%(amount)s yuan of it for %(purpose)s")
            % {"amount": yuan_text(p["yuan"]), "purpose": p["purpose"]}
            for p in given.by_purpose_in_period
            if p["purpose"]
        ]
    parts += [_handed_over(h) for h in given.handovers_in_period]
    if given.gifts_running != given.gifts_in_period and given.running_since:
        parts.append(
            _("%(total)s yuan in all from %(since)s to %(end)s (a running total)")
            % {
                "total": yuan_text(given.yuan_running),
                "since": day(given.running_since),
                "end": day(found.end),
            }
        )
    return {
        "heading": pgettext("briefing section", "Donations"),
        "text": _("%(what)s.") % {"what": _join(parts)},
    }


def _register(register: dict) -> str:
    return _(
        "%(place)s has %(buildings)s buildings and %(households)s households, %(residents)s residents."
    ) % {
        **register,
        "place": register["community"],
    }


def _community(found: Figures) -> dict | None:
    block = found.community
    if block is None or not (block.registers or block.merchants_visited_in_period):
        return None
    registers = block.registers
    if len(registers) == 1 and registers[0]["community_id"] == found.place_id:
        text = _register(registers[0])
    elif registers:
        text = _("%(count)s communities here keep a register of their residents. Of them: ") % {
            "count": len(registers)
        } + "".join(_register(r) for r in registers)
    else:
        text = ""
    if block.merchants_visited_in_period:
        text += _(
            " Staff visited %(merchants)s merchants and delivered the notice letter and the staff "
            "registration book to the %(open)s that have opened."
        ) % {"merchants": block.merchants_visited_in_period, "open": block.notices_delivered_in_period}
    return {"heading": pgettext("briefing section", "The community"), "text": text.strip()}


def sections(found: Figures, deeds) -> list[dict]:
    written = [
        part
        for part in (
            _organisation(found),
            _reaching(found),
            _work_done(found),
            _donations(found),
            _community(found),
        )
        if part
    ]
    written += [part for _config, write in app_entries("briefing_sections") for part in write(found)]
    written = [{**part, "heading": numbered(n, part["heading"])} for n, part in enumerate(written)]
    for deed in deeds:
        captions = "".join(
            _(" (Photo: %(caption)s)") % {"caption": p.caption} for p in deed.photos.all() if p.caption
        )
        written.append(
            {
                "heading": _("A volunteer's deed: %(title)s") % {"title": deed.title},
                "text": deed.story + captions,
            }
        )
    return written
