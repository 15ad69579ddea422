"""The roll as a spreadsheet: its columns with the headings bureaus use, reading one row into the values
of a veteran, and finding the place a row names. Import, export, the demo and the benchmarks share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qunfang.core.models import OrgUnit
from qunfang.core.personal import normalize_phone, parse_id_number
from qunfang.core.services import normalize_code
from qunfang.lib.choices import choice_reader
from qunfang.registry.models import Category, ServiceBranch, Sex, Status, years_in_order

# Our column -> the headings accepted for it; the first is the one exports write.
COLUMNS: dict[str, list[str]] = {
    "name": ["姓名", "Name", "名字"],
    "id_number": ["身份证号", "ID number", "身份证号码", "公民身份号码", "身份证"],
    "place": ["所属村(社区)", "Place", "村(社区)", "所在村(社区)", "所属村居", "村居", "所在地"],
    "town": ["所属镇(街道)", "Town", "镇(街道)", "所在镇(街道)", "镇街", "乡镇(街道)"],
    "phone": ["联系电话", "Mobile", "Phone", "手机", "手机号码", "手机号", "电话"],
    "address": ["家庭住址", "Address", "住址", "地址", "现住址"],
    "category": ["人员类别", "Category", "类别"],
    "status": ["状态", "Status", "在册状态"],
    "service_branch": ["军种", "Service branch", "服役军种"],
    "enlisted_year": ["入伍年份", "Year enlisted", "入伍时间", "入伍年月"],
    "discharged_year": ["退役年份", "Year discharged", "退役时间", "退伍时间", "退伍年月"],
    "party_member": ["政治面貌", "Party member", "是否党员"],
    "tags": ["标签", "Tags", "特长", "技能"],
    "sms_opt_out": ["不接收短信", "No SMS", "拒收短信"],
    "sex": ["性别", "Sex"],
    "birth_date": ["出生日期", "Birth date", "出生年月日"],
}
REQUIRED = ["name", "id_number"]
LABELS = {
    "name": gettext_lazy("Full name"),
    "id_number": gettext_lazy("ID number"),
    "place": gettext_lazy("Village or community"),
    "town": gettext_lazy("Town or street"),
    "phone": gettext_lazy("Mobile"),
    "address": gettext_lazy("Address"),
    "category": gettext_lazy("Category"),
    "status": gettext_lazy("Status"),
    "service_branch": gettext_lazy("Service branch"),
    "enlisted_year": gettext_lazy("Year enlisted"),
    "discharged_year": gettext_lazy("Year discharged"),
    "party_member": gettext_lazy("Party member"),
    "tags": gettext_lazy("Tags"),
    "sms_opt_out": gettext_lazy("No SMS"),
    "sex": gettext_lazy("Sex"),
    "birth_date": gettext_lazy("Birth date"),
}

CATEGORY_WORDS = {
    "退役士兵": Category.RETIRED_SOLDIER,
    "退伍军人": Category.RETIRED_SOLDIER,
    "退伍士兵": Category.RETIRED_SOLDIER,
    "军转干部": Category.TRANSFERRED_OFFICER,
    "转业干部": Category.TRANSFERRED_OFFICER,
    "转业军官": Category.TRANSFERRED_OFFICER,
    "军休干部": Category.RETIRED_CADRE,
    "离休干部": Category.RETIRED_CADRE,
    "退休干部": Category.RETIRED_CADRE,
}
STATUS_WORDS = {
    "在册": Status.ACTIVE,
    "正常": Status.ACTIVE,
    "迁出": Status.MOVED,
    "已迁出": Status.MOVED,
    "去世": Status.DECEASED,
    "已故": Status.DECEASED,
    "死亡": Status.DECEASED,
}
BRANCH_WORDS = {
    "陆军": ServiceBranch.ARMY,
    "海军": ServiceBranch.NAVY,
    "空军": ServiceBranch.AIR_FORCE,
    "火箭军": ServiceBranch.ROCKET_FORCE,
    "第二炮兵": ServiceBranch.ROCKET_FORCE,
    "二炮": ServiceBranch.ROCKET_FORCE,
    "武警": ServiceBranch.ARMED_POLICE,
    "武警部队": ServiceBranch.ARMED_POLICE,
}
YES = {"是", "yes", "y", "true", "1", "√", "✓", "中共党员", "中共预备党员", "党员", "预备党员"}
NO = {"否", "no", "n", "false", "0", "×", "群众", "共青团员", "团员", "民主党派", "无党派人士"}
SEX_WORDS = {
    "男": Sex.MALE,
    "女": Sex.FEMALE,
    "male": Sex.MALE,
    "female": Sex.FEMALE,
    "m": Sex.MALE,
    "f": Sex.FEMALE,
}
TAG_SEPARATORS = re.compile(r"[、,，;；/\s]+")
YEAR = re.compile(r"(19|20)\d{2}")
DATE = re.compile(r"((?:19|20)\d{2})\D?(\d{1,2})\D?(\d{1,2})")


@dataclass
class Entry:
    """One good row: the values of a veteran, protected values normalized but not yet sealed.
    `fields` holds only the columns the file has, so re-importing a file without (say) addresses
    leaves the addresses alone."""

    number: int
    id_number: str
    birth_date: date
    sex: str
    fields: dict[str, Any] = field(default_factory=dict)
    tags: list[str] | None = None
    index: str = ""  # the ID number's blind index, once planned


class RowReader:
    """Reads rows of one file into entries; built once per import, since it holds the lookups."""

    def __init__(self, within: OrgUnit):
        self.places = PlaceFinder(within)
        self.category = _remembered(choice_reader(Category, CATEGORY_WORDS))
        self.status = _remembered(choice_reader(Status, STATUS_WORDS))
        self.branch = _remembered(choice_reader(ServiceBranch, BRANCH_WORDS))
        self.today = timezone.localdate()
        self.this_year = self.today.year
        # A roll's columns but the name, ID number, phone and address hold a few dozen distinct values
        # over its many rows: each is read once, its value and problem (or None) kept.
        self.read_year = _remembered(self._year_and_problem)
        self.read_yes_no = _remembered(self._yes_no_and_problem)
        self.read_tags = _remembered(self._tags_and_problem)

    def read(self, number: int, values: dict[str, str]) -> tuple[Entry | None, list[str]]:
        problems: list[str] = []
        fields: dict[str, Any] = {}
        name = values.get("name", "")
        if not name:
            problems.append(_("the name is missing"))
        elif len(name) > 50:
            problems.append(_("the name is longer than 50 characters"))
        fields["name"] = name

        parsed = None
        if not values.get("id_number"):
            problems.append(_("the ID number is missing"))
        else:
            try:
                parsed = parse_id_number(values["id_number"], today=self.today)
            except ValidationError as error:
                problems.extend(error.messages)

        if "place" in values or "town" in values:
            place, problem = self.places.find(values.get("place", ""), values.get("town", ""))
            if problem:
                problems.append(problem)
            fields["place_id"] = place.pk if place else None

        if "phone" in values:
            fields["phone"] = None
            if values["phone"]:
                try:
                    fields["phone"] = normalize_phone(values["phone"])
                except ValidationError as error:
                    problems.extend(error.messages)

        if "address" in values:
            fields["address"] = values["address"]
            if len(values["address"]) > 200:
                problems.append(_("the address is longer than 200 characters"))

        for key, reader, default in (
            ("category", self.category, Category.RETIRED_SOLDIER),
            ("status", self.status, Status.ACTIVE),
            ("service_branch", self.branch, ""),
        ):
            if key in values:
                text = values[key]
                fields[key] = reader(text) if text else default
                if fields[key] is None:
                    problems.append(
                        _("“%(value)s” is not a known %(column)s")
                        % {"value": text, "column": COLUMNS[key][0]}
                    )

        for key, read in (
            ("enlisted_year", self.read_year),
            ("discharged_year", self.read_year),
            ("party_member", self.read_yes_no),
            ("sms_opt_out", self.read_yes_no),
        ):
            if key in values:
                fields[key], problem = read(values[key], key)
                if problem:
                    problems.append(problem)
        if not years_in_order(fields.get("enlisted_year"), fields.get("discharged_year")):
            problems.append(_("the year discharged is before the year enlisted"))

        tags = None
        if "tags" in values:
            tags, problem = self.read_tags(values["tags"])
            if problem:
                problems.append(problem)

        if parsed is not None:
            self._check_derived(parsed.sex, parsed.birth_date, values, problems)
        if problems:
            return None, problems
        return Entry(number, parsed.number, parsed.birth_date, parsed.sex, fields, tags), []

    def _year_and_problem(self, text: str, key: str) -> tuple[int | None, str | None]:
        if not text:
            return None, None
        found = YEAR.search(text)
        if not found or not 1930 <= int(found.group()) <= self.this_year:
            return None, _("“%(value)s” is not a year (%(column)s)") % {
                "value": text,
                "column": COLUMNS[key][0],
            }
        return int(found.group()), None

    @staticmethod
    def _yes_no_and_problem(text: str, key: str) -> tuple[bool, str | None]:
        word = text.strip().lower()
        if word in YES:
            return True, None
        if word and word not in NO:
            return False, _("“%(value)s” is neither yes (是) nor no (否) (%(column)s)") % {
                "value": text,
                "column": COLUMNS[key][0],
            }
        return False, None

    @staticmethod
    def _tags_and_problem(text: str) -> tuple[list[str], str | None]:
        # The list is shared by the rows that wrote the same tags: nothing changes it.
        tags = sorted({t for t in TAG_SEPARATORS.split(text) if t})
        return tags, (_("a tag is longer than 30 characters") if any(len(t) > 30 for t in tags) else None)

    @staticmethod
    def _check_derived(sex: str, birth_date: date, values: dict[str, str], problems: list[str]) -> None:
        """A sheet that also has sex or birth-date columns must agree with the ID number."""
        written_sex = SEX_WORDS.get(values.get("sex", "").strip().lower())
        if written_sex and written_sex != sex:
            problems.append(
                _("the sex “%(value)s” does not match the ID number (%(derived)s)")
                % {"value": values["sex"], "derived": Sex(sex).label}
            )
        written_date = DATE.search(values.get("birth_date", ""))
        if written_date:
            try:
                written = date(*(int(part) for part in written_date.groups()))
            except ValueError:
                written = None
            if written != birth_date:
                problems.append(
                    _("the birth date “%(value)s” does not match the ID number (%(derived)s)")
                    % {"value": values["birth_date"], "derived": birth_date.isoformat()}
                )


def _remembered(read):
    """`read` with its answers kept, by its arguments (one dictionary look-up on a value seen before)."""
    answers: dict = {}

    def remembered(*args):
        try:
            return answers[args]
        except KeyError:
            answers[args] = answer = read(*args)
            return answer

    return remembered


class PlaceFinder:
    """The place a row names, under the place the roll is imported into: by division code, by name, or
    by town and name where two villages share a name."""

    def __init__(self, within: OrgUnit):
        self.within = within
        self.by_code: dict[str, OrgUnit] = {}
        self.by_name: dict[str, list[OrgUnit]] = {}
        self.by_town_and_name: dict[str, list[OrgUnit]] = {}
        self.parent_name: dict[int, str] = {}
        self.found: dict[tuple[str, str], tuple[OrgUnit | None, str]] = {}
        places = list(OrgUnit.objects.under(within).only("pk", "name", "code", "parent_id", "path", "level"))
        names = {place.pk: place.name for place in places}
        for place in places:
            self.parent_name[place.pk] = names.get(place.parent_id, "")
            if place.code:
                self.by_code[place.code] = place
            self.by_name.setdefault(place.name, []).append(place)
            self.by_town_and_name.setdefault(self.parent_name[place.pk] + place.name, []).append(place)

    def find(self, text: str, town: str) -> tuple[OrgUnit | None, str]:
        # A roll names a few hundred places over its many rows: each answer is worked out once.
        key = (text, town)
        if key not in self.found:
            self.found[key] = self._find(text, town)
        return self.found[key]

    def _find(self, text: str, town: str) -> tuple[OrgUnit | None, str]:
        text, town = text.strip(), town.strip()
        if not text and not town:
            return self.within, ""
        if text.isdigit():
            try:
                place = self.by_code.get(normalize_code(text) or "")
            except ValidationError:
                place = None
            return (place, "") if place else (None, _("unknown place code %(code)s") % {"code": text})
        if not text:
            text, town = town, ""
        candidates = self.by_name.get(text, [])
        if not candidates and not town:
            # "龙颈镇迳口村" or "龙颈镇/迳口村": the town's name written before the village's.
            candidates = self.by_town_and_name.get(re.sub(r"[/\s]", "", text), [])
        if town:
            candidates = [p for p in candidates if self.parent_name[p.pk] == town]
        if len(candidates) == 1:
            return candidates[0], ""
        if not candidates:
            return None, _("unknown place “%(place)s” under %(within)s") % {
                "place": f"{town} {text}".strip(),
                "within": self.within.name,
            }
        return None, _(
            "several places are named “%(place)s”: add the town (所属镇(街道)) or use the code"
        ) % {"place": text}


# --- writing the roll out -----------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "name",
    "id_number",
    "town",
    "place",
    "phone",
    "address",
    "category",
    "status",
    "service_branch",
    "enlisted_year",
    "discharged_year",
    "party_member",
    "tags",
    "sms_opt_out",
    "sex",
    "birth_date",
]
EXPORT_HEADINGS = [COLUMNS[key][0] for key in EXPORT_COLUMNS]
TOWN_LEVELS = {"province", "city", "district", "town"}


# What the export reads of each veteran, as values: a roll of millions is not made into model objects.
EXPORT_FIELDS = (
    "pk", "place_id", "name", "id_number", "phone", "address", "category", "status", "service_branch",
    "enlisted_year", "discharged_year", "party_member", "sms_opt_out", "sex", "birth_date",
)  # fmt: skip


def town_and_village(place: OrgUnit) -> tuple[str, str]:
    """The town and village columns of a veteran at the place (wants `parent` fetched with it)."""
    if place.level in TOWN_LEVELS:
        return place.name, ""
    return (place.parent.name if place.parent_id else ""), place.name


class ExportRows:
    """Turns the EXPORT_FIELDS of veterans into rows of EXPORT_COLUMNS, which import back as the same
    veterans. Protected values are masked unless revealed. The choices' labels are looked up once, in
    the language of the moment (get_FOO_display builds every choice's label again on each call)."""

    def __init__(self):
        self.labels = {
            field: {value: str(label) for value, label in choices.choices}
            for field, choices in (
                ("category", Category),
                ("status", Status),
                ("service_branch", ServiceBranch),
            )
        }
        self.labels["sex"] = {value: str(label) for value, label in Sex.choices}

    def row(self, values: tuple, place: tuple[str, str], tags: list[str], *, reveal: bool) -> list[Any]:
        (_pk, _place, name, id_number, phone, address, category, status, branch, enlisted, discharged,
         party, opt_out, sex, birth) = values  # fmt: skip
        labels = self.labels
        return [
            name,
            _protected(id_number, reveal),
            place[0],
            place[1],
            _protected(phone, reveal),
            address,
            labels["category"].get(category, category),
            labels["status"].get(status, status),
            labels["service_branch"].get(branch, branch) if branch else "",
            enlisted or "",
            discharged or "",
            "是" if party else "否",
            "、".join(tags),
            "是" if opt_out else "否",
            labels["sex"].get(sex, sex),
            birth.isoformat(),
        ]


def _protected(value: Any, reveal: bool) -> str:
    if not value:
        return ""
    return value.reveal() if reveal else str(value)
