"""The words of reports by SMS: the defaults (the epidemic report's fields and the activities, with
their pinyin initials) and a station's vocabulary, each word or alias naming one target. A bureau's
own words (Keyword rows) take the place of the defaults for every station under it."""

from __future__ import annotations

from dataclasses import dataclass, field

from qunfang.core.models import LEVEL_RANK, OrgUnit
from qunfang.core.writes import writes_nothing
from qunfang.mobilization.models import ActivityType
from qunfang.reporting.models import DataSet
from qunfang.smsreports.models import Keyword

WORK = "work"
# target: (the Chinese word, its aliases)
DEFAULTS = {
    "report:epidemic_daily": ("日报", "rb"),
    "field:epidemic_daily:confirmed": ("确诊", "qz"),
    "field:epidemic_daily:suspected": ("疑似", "ys"),
    "field:epidemic_daily:close_contacts": ("密接", "mj"),
    "field:epidemic_daily:home_quarantined": ("隔离", "gl"),
    "field:epidemic_daily:fever_found": ("发热", "fr"),
    "field:epidemic_daily:veterans_affected": ("涉军", "sj"),
    WORK: ("工作", "gz"),
    "activity:sms_reminders": ("短信", "dx"),
    "activity:broadcasts": ("广播", "gb"),
    "activity:door_to_door": ("走访", "zf"),
    "activity:temperature_checks": ("体温", "tw"),
    "activity:visitors_dissuaded": ("劝返", "qf"),
    "activity:gatherings_dispersed": ("劝散", "qs"),
    "activity:sites_disinfected": ("消毒", "xd"),
    "activity:people_served": ("服务", "fw"),
    "activity:deliveries": ("配送", "ps"),
    "activity:duty_shifts": ("值班", "zb"),
}
ZERO_WORDS = ("0", "零", "零报告", "无", "lbg")


@dataclass
class Entry:
    target: str
    label: str  # what the target is, in the data set's or activity's own name
    word: str
    aliases: list[str]
    set_at: OrgUnit | None = None  # the bureau whose row this is; None: the default


@dataclass
class Vocabulary:
    """A station's words: every token (a word or an alias, lower case) to its target."""

    entries: list[Entry]
    tokens: dict[str, str] = field(default_factory=dict)
    data_sets: dict[str, DataSet] = field(default_factory=dict)  # by code
    fields: dict[str, object] = field(default_factory=dict)  # "field:<set>:<code>" to the DataField
    activities: dict[str, ActivityType] = field(default_factory=dict)  # "activity:<code>"

    def __post_init__(self) -> None:
        for entry in self.entries:
            for token in [entry.word.lower(), *entry.aliases]:
                self.tokens.setdefault(token, entry.target)

    def word_of(self, target: str) -> str:
        return next((e.word for e in self.entries if e.target == target), target)


def split_aliases(text: str) -> list[str]:
    """Aliases as typed ("fr, FR；f r"): lower case, full-width forms folded, one per word."""
    import unicodedata

    folded = unicodedata.normalize("NFKC", text or "").lower()
    for mark in ",;，；、/|":
        folded = folded.replace(mark, " ")
    found: list[str] = []
    for alias in folded.split():
        if alias not in found:
            found.append(alias)
    return found


def _targets(
    place: OrgUnit, sets: list[DataSet], kinds: list[ActivityType]
) -> list[tuple[str, str, str, str]]:
    """(target, label, default word, default aliases) of what the place reports: its level's active data
    sets with their fields, then the day's work and the active activities."""
    found = []
    for data_set in sets:
        if data_set.reported_under(place) is None:
            continue
        target = f"report:{data_set.code}"
        word, aliases = DEFAULTS.get(target, (data_set.name_zh[:20], data_set.code))
        found.append((target, data_set.name, word, aliases))
        for data_field in data_set.fields.all():
            target = f"field:{data_set.code}:{data_field.code}"
            word, aliases = DEFAULTS.get(target, (data_field.name_zh[:20], data_field.code))
            found.append((target, f"{data_set.name} · {data_field.name}", word, aliases))
    if kinds is not None:
        found.append((WORK, "", *DEFAULTS[WORK]))
    for kind in kinds or []:
        target = f"activity:{kind.code}"
        word, aliases = DEFAULTS.get(target, (kind.name_zh[:20], kind.code))
        found.append((target, kind.name, word, aliases))
    return found


@writes_nothing
def vocabulary(place: OrgUnit, *, below: bool = False, work: bool = True) -> Vocabulary:
    """The words a station writes (the data sets of its own level), or with `below` the words of every
    station under a bureau (for its page): for each target the row of the nearest place above (or the
    place itself) that set it, else the default. Without `work`, the reports' words alone (most
    messages are reports: a query saved)."""
    rows = {}
    for row in Keyword.objects.filter(place_id__in=[*place.ancestor_ids, place.pk]).select_related("place"):
        held = rows.get(row.target)
        if held is None or len(row.place.path) > len(held.place.path):
            rows[row.target] = row
    levels = [level for level, rank in LEVEL_RANK.items() if rank >= LEVEL_RANK[place.level]]
    sets = list(
        DataSet.objects.filter(active=True, level__in=levels if below else [place.level])
        .prefetch_related("fields")
        .order_by("code")
    )
    kinds = list(ActivityType.objects.filter(active=True).order_by("position", "code")) if work else None
    entries = []
    for target, label, word, aliases in _targets(place, sets, kinds):
        row = rows.get(target)
        if row:
            entries.append(Entry(target, label, row.word, split_aliases(row.aliases), row.place))
        else:
            entries.append(Entry(target, label, word, split_aliases(aliases)))
    found = Vocabulary(entries)
    for data_set in sets:
        found.data_sets[data_set.code] = data_set
        for data_field in data_set.fields.all():
            found.fields[f"field:{data_set.code}:{data_field.code}"] = data_field
    for kind in kinds or []:
        found.activities[f"activity:{kind.code}"] = kind
    return found


def clashes(entries: list[Entry]) -> list[tuple[str, str, str]]:
    """(token, first target's word, second target's word) for every token two targets share, or that
    is a zero word or a number."""
    seen: dict[str, Entry] = {}
    found = []
    for entry in entries:
        for token in [entry.word.lower(), *entry.aliases]:
            if token in ZERO_WORDS or token.lstrip("-").isdigit():
                found.append((token, token, entry.word))
            elif token in seen and seen[token].target != entry.target:
                found.append((token, seen[token].word, entry.word))
            else:
                seen[token] = entry
    return found
