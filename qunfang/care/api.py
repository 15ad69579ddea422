"""Care under /api/v1/care: what is due at a place (this week, gone up overdue, overdue by child place),
a person's number to call (audited), calls and visits recorded (JSON, or multipart with a photo), a
person's file, life events and categories, the bureau's rules and categories, festival rounds and their
progress by station. The same services and scoping as the pages."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from qunfang.care import selectors, services
from qunfang.care.home import may_set_rules
from qunfang.care.models import CareCategory, CareRule, ContactKind, EventKind, Round
from qunfang.care.roles import RECORD_CARE, SET_CARE_RULES, VIEW_CARE
from qunfang.core.access import get_for, place_for
from qunfang.core.once import answer_shown_once
from qunfang.donations.models import Item
from qunfang.lib.apitypes import ERRORS, Day, Id, Pages, Text
from qunfang.registry.models import Tag, Veteran

router = Router(tags=["care"])


class CareDueOut(Schema):
    id: int
    veteran_id: int
    veteran: str
    place_id: int
    address: str
    kind: str
    reason: str
    rule_id: int | None
    round_id: int | None
    due: date
    overdue: bool

    @staticmethod
    def resolve_veteran(row) -> str:
        return row.veteran.name

    @staticmethod
    def resolve_address(row) -> str:
        return row.veteran.address

    @staticmethod
    def resolve_overdue(row) -> bool:
        return row.due < timezone.localdate()


class CareContactOut(Schema):
    id: int
    veteran_id: int
    place_id: int
    kind: str
    day: date
    note: str
    has_photo: bool
    gift: str
    due_day: date | None
    on_time: bool

    @staticmethod
    def resolve_has_photo(contact) -> bool:
        return bool(contact.photo)


class CareContactIn(Schema):
    veteran_id: Id
    kind: ContactKind
    day: Day
    note: Text = Field("", max_length=500)
    gift_item_id: Id | None = None
    gift_quantity: int | None = Field(None, ge=1, le=1000)
    care_round_id: Id | None = None


def _veteran(request, veteran_id: int, capability) -> Veteran:
    return get_for(request.scope, Veteran.objects.select_related("place"), capability, pk=veteran_id)


@router.get("/care/due", response={200: list[CareDueOut], **ERRORS})
@paginate(Pages)
def list_due(request, place_id: Id):
    """The calls and visits due at the place by the week's end, the most overdue first."""
    place = place_for(request, place_id, VIEW_CARE)
    return selectors.due_this_week(request.scope, place, timezone.localdate())


@router.get("/care/gone-up", response={200: list[CareDueOut], **ERRORS})
@paginate(Pages)
def list_gone_up(request, place_id: Id):
    place = place_for(request, place_id, VIEW_CARE)
    return selectors.gone_up(request.scope, place, timezone.localdate())


class CareOverdueOut(Schema):
    place_id: int
    place: str
    calls: int
    visits: int


@router.get("/care/overdue-by-place", response={200: list[CareOverdueOut], **ERRORS})
def overdue_by_place(request, place_id: Id):
    """Each child place's overdue calls and visits now, from the kept counts."""
    place = place_for(request, place_id, VIEW_CARE)
    return [
        {"place_id": r["place"].pk, "place": r["place"].name, "calls": r["calls"], "visits": r["visits"]}
        for r in selectors.overdue_by_child(place, timezone.localdate())
    ]


class CareNumberOut(Schema):
    number: str


@router.post("/care/veterans/{veteran_id}/number", response={200: CareNumberOut, **ERRORS})
def reveal_number(request, veteran_id: Id):
    """The person's full phone number, to dial it; the audit log keeps who saw it."""
    answer_shown_once(request)  # the answer holds a secret: not kept for a retry (core/once.py)
    veteran = _veteran(request, veteran_id, RECORD_CARE)
    return {"number": services.number_to_call(by=request.auth, veteran=veteran)}


def _contact_facts(request, data: CareContactIn) -> dict:
    veteran = _veteran(request, data.veteran_id, RECORD_CARE)
    item = None
    if data.gift_item_id is not None:
        item = Item.objects.filter(pk=data.gift_item_id).first()
        if item is None:
            raise ValidationError({"gift_item": _("Choose the gift taken from the stock.")})
    round_ = (
        get_for(request.scope, Round.objects.all(), VIEW_CARE, pk=data.care_round_id)
        if data.care_round_id
        else None
    )
    return {
        "veteran": veteran,
        "kind": data.kind,
        "day": data.day,
        "note": data.note,
        "gift_item": item,
        "gift_quantity": data.gift_quantity,
        "round": round_,
    }


@router.post("/care/contacts", response={201: CareContactOut, **ERRORS})
def record_contact(request, data: CareContactIn):
    """A call or a home visit done (with its photo: the multipart twin below)."""
    contact = services.record_contact(by=request.auth, **_contact_facts(request, data))
    return Status(201, contact)


@router.post("/care/contacts/with-photo", response={201: CareContactOut, **ERRORS})
def record_contact_with_photo(request, data: Form[CareContactIn], photo: File[UploadedFile] = None):
    """The same, as multipart with the visit's photo (`photo`): an image of 10 MB at most."""
    contact = services.record_contact(by=request.auth, photo=photo, **_contact_facts(request, data))
    return Status(201, contact)


@router.get("/care/contacts", response={200: list[CareContactOut], **ERRORS})
@paginate(Pages)
def list_contacts(request, place_id: Id):
    return selectors.contacts(request.scope, place_for(request, place_id, VIEW_CARE))


class CareEventOut(Schema):
    id: int
    kind: str
    day: date
    note: str


class CareFileOut(Schema):
    categories: list[str]
    events: list[CareEventOut]
    dues: list[CareDueOut]
    contacts: list[CareContactOut]


@router.get("/care/veterans/{veteran_id}/file", response={200: CareFileOut, **ERRORS})
def person_file(request, veteran_id: Id):
    """The care part of a person's file: categories, life events, what is due, contacts done."""
    found = selectors.person_file(_veteran(request, veteran_id, VIEW_CARE))
    return {**found, "categories": [c.name for c in found["categories"]]}


class CareEventIn(Schema):
    kind: EventKind
    day: Day
    note: Text = Field("", max_length=200)


@router.post("/care/veterans/{veteran_id}/events", response={201: CareEventOut, **ERRORS})
def record_event(request, veteran_id: Id, data: CareEventIn):
    veteran = _veteran(request, veteran_id, RECORD_CARE)
    return Status(201, services.record_event(by=request.auth, veteran=veteran, **data.dict()))


class CareCategoriesIn(Schema):
    category_ids: list[Id] = Field(default_factory=list, max_length=50)


class CareCategoryOut(Schema):
    id: int
    name: str
    place_id: int | None


def _categories(place, ids: list[int]) -> list[CareCategory]:
    found = list(selectors.categories_for(place).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"categories": _("Choose categories of this person's bureau.")})
    return found


@router.put("/care/veterans/{veteran_id}/categories", response={200: list[CareCategoryOut], **ERRORS})
def set_categories(request, veteran_id: Id, data: CareCategoriesIn):
    veteran = _veteran(request, veteran_id, RECORD_CARE)
    chosen = _categories(veteran.place, data.category_ids)
    services.set_categories(by=request.auth, veteran=veteran, categories=chosen)
    return chosen


@router.get("/care/categories", response={200: list[CareCategoryOut], **ERRORS})
def list_categories(request, place_id: Id):
    return list(selectors.categories_for(place_for(request, place_id, VIEW_CARE)))


class CareCategoryIn(Schema):
    place_id: Id
    name: Text = Field(..., max_length=40)


def _bureau_place(request, place_id: int):
    place = place_for(request, place_id, SET_CARE_RULES)
    if not may_set_rules(request.scope, place):
        raise ValidationError(_("Rules and categories are set by a bureau: a district or above."))
    return place


@router.post("/care/categories", response={201: CareCategoryOut, **ERRORS})
def add_category(request, data: CareCategoryIn):
    place = _bureau_place(request, data.place_id)
    return Status(201, services.add_category(by=request.auth, place=place, name=data.name))


class CareRuleIn(Schema):
    place_id: Id
    name: Text = Field(..., max_length=100)
    kind: ContactKind
    every_months: int | None = Field(None, description="required: a rule with no interval is refused")
    starts: Day | None = None
    category_ids: list[Id] = Field(default_factory=list, max_length=50)
    tag_ids: list[Id] = Field(default_factory=list, max_length=50)
    older_than: int | None = Field(None, ge=1, le=129)
    town_after_days: int = Field(7, ge=0, le=3650)
    district_after_days: int = Field(30, ge=0, le=3650)
    active: bool = True


class CareRuleOut(Schema):
    id: int
    place_id: int
    name: str
    kind: str
    every_months: int
    starts: date
    older_than: int | None
    town_after_days: int
    district_after_days: int
    active: bool
    category_ids: list[int]
    tag_ids: list[int]

    @staticmethod
    def resolve_category_ids(rule) -> list[int]:
        return [c.pk for c in rule.categories.all()]

    @staticmethod
    def resolve_tag_ids(rule) -> list[int]:
        return [t.pk for t in rule.tags.all()]


def _save_rule(request, data: CareRuleIn, rule: CareRule | None) -> CareRule:
    place = _bureau_place(request, data.place_id)
    tags = list(Tag.objects.filter(pk__in=data.tag_ids).select_related("place"))
    if len(tags) != len(set(data.tag_ids)):
        raise ValidationError({"tags": _("Choose tags used at this place.")})
    facts = data.dict(exclude={"place_id", "category_ids", "tag_ids", "active"})
    return services.save_rule(
        by=request.auth,
        place=place,
        rule=rule,
        categories=_categories(place, data.category_ids),
        tags=tags,
        active=data.active,
        **facts,
    )


@router.post("/care/rules", response={201: CareRuleOut, **ERRORS})
def create_rule(request, data: CareRuleIn):
    """A cadence rule of a bureau for the people under its place; refused without an interval."""
    return Status(201, _save_rule(request, data, None))


@router.put("/care/rules/{care_rule_id}", response={200: CareRuleOut, **ERRORS})
def update_rule(request, care_rule_id: Id, data: CareRuleIn):
    rule = get_for(request.scope, CareRule.objects.select_related("place"), SET_CARE_RULES, pk=care_rule_id)
    return _save_rule(request, data, rule)


@router.get("/care/rules", response={200: list[CareRuleOut], **ERRORS})
def list_rules(request, place_id: Id):
    return list(selectors.rules_over(request.scope, place_for(request, place_id, VIEW_CARE)))


class CareRoundIn(Schema):
    place_id: Id
    name: Text = Field(..., max_length=100)
    day: Day
    category_ids: list[Id] = Field(default_factory=list, max_length=50)
    tag_ids: list[Id] = Field(default_factory=list, max_length=50)
    older_than: int | None = Field(None, ge=1, le=129)
    gift_item_id: Id | None = None
    gift_quantity: int = Field(0, ge=0, le=1000)


class CareRoundOut(Schema):
    id: int
    place_id: int
    name: str
    day: date
    gift_item_id: int | None
    gift_quantity: int


@router.post("/care/rounds", response={201: CareRoundOut, **ERRORS})
def plan_round(request, data: CareRoundIn):
    """A festival round over the chosen people under the place, shared out among their stations."""
    place = _bureau_place(request, data.place_id)
    people = selectors.people_for(
        place,
        categories=_categories(place, data.category_ids),
        tags=list(Tag.objects.filter(pk__in=data.tag_ids)),
        older_than=data.older_than,
        today=timezone.localdate(),
    )
    item = Item.objects.filter(pk=data.gift_item_id).first() if data.gift_item_id else None
    if data.gift_item_id and item is None:
        raise ValidationError({"gift_item": _("Choose the gift taken from the stock.")})
    round_ = services.plan_round(
        by=request.auth,
        place=place,
        name=data.name,
        day=data.day,
        veterans=people,
        gift_item=item,
        gift_quantity=data.gift_quantity,
    )
    return Status(201, round_)


@router.get("/care/rounds", response={200: list[CareRoundOut], **ERRORS})
def list_rounds(request, place_id: Id):
    return list(selectors.rounds(request.scope, place_for(request, place_id, VIEW_CARE)))


class CareProgressOut(Schema):
    place_id: int
    place: str
    done: int
    left: int


@router.get("/care/rounds/{care_round_id}/progress", response={200: list[CareProgressOut], **ERRORS})
def round_progress(request, care_round_id: Id, place_id: Id | None = None):
    """The round's visits done and left by station (under `place_id`, else the round's place)."""
    round_ = get_for(request.scope, Round.objects.select_related("place"), VIEW_CARE, pk=care_round_id)
    place = place_for(request, place_id, VIEW_CARE) if place_id else round_.place
    return [
        {"place_id": r["place"].pk, "place": r["place"].name, "done": r["done"], "left": r["left"]}
        for r in selectors.round_progress(round_, place)
    ]
