"""Care pages, phone first: a station's calls and visits due this week (overdue first, the address, a
tap to call through an audited reveal), recording a call or a visit (note, photo, a gift from the
station's stock), what has gone up overdue to a town or district, the bureau's rules and categories,
festival rounds watched by station, and a person's categories and life events."""

import uuid

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qunfang.care import selectors, services
from qunfang.care.forms import CategoriesForm, CategoryForm, ContactForm, EventForm, RoundForm, RuleForm
from qunfang.care.home import may_set_rules
from qunfang.care.models import CareRule, Contact, Round
from qunfang.care.roles import RECORD_CARE, SET_CARE_RULES, VIEW_CARE
from qunfang.core.access import get_for, requires
from qunfang.core.views import form_page, paginate, place_for, posted_form
from qunfang.donations.models import Item
from qunfang.lib.twins import api_twin
from qunfang.lib.uploads import upload_response
from qunfang.registry.models import Tag, Veteran


def _veteran(request, veteran_id: int, capability) -> Veteran:
    return get_for(request.scope, Veteran.objects.select_related("place"), capability, pk=veteran_id)


@requires(VIEW_CARE)
def due(request, place_id: int):
    place = place_for(request, place_id, VIEW_CARE)
    today = timezone.localdate()
    return render(
        request,
        "care/due.html",
        {
            "place": place,
            "today": today,
            "rows": paginate(request, selectors.due_this_week(request.scope, place, today), 30),
            "may_record": request.scope.allows(RECORD_CARE, place),
        },
    )


@requires(RECORD_CARE)
@require_POST
@api_twin("qunfang.care.api.reveal_number")
def call_number(request, veteran_id: int):
    """The person's full number to dial (audited), and the way on to record the call."""
    veteran = _veteran(request, veteran_id, RECORD_CARE)
    number = services.number_to_call(by=request.user, veteran=veteran)
    return render(
        request,
        "care/call.html",
        {"veteran": veteran, "number": number, "back": reverse("care:due", args=[veteran.place_id])},
    )


@requires(RECORD_CARE)
@api_twin("qunfang.care.api.record_contact", "qunfang.care.api.record_contact_with_photo")
def record(request, veteran_id: int):
    veteran = _veteran(request, veteran_id, RECORD_CARE)
    rounds = Round.objects.filter(dues__veteran=veteran).select_related("gift_item")
    # A round (and its gift from the stock) only when the clerk came from that round's line: an
    # everyday visit must not give away a gift or count toward a festival by default.
    asked = request.GET.get("round", "")
    open_round = (
        rounds.filter(pk=int(asked)).first()
        if asked.isascii() and asked.isdigit() and len(asked) < 19
        else None
    )
    initial = {
        "day": timezone.localdate(),
        "submission": uuid.uuid4().hex,
        "kind": request.GET.get("kind", "visit" if open_round else "call"),
    }
    if open_round:
        initial.update(
            round=open_round, gift_item=open_round.gift_item, gift_quantity=open_round.gift_quantity or None
        )
    form = ContactForm(
        request.POST or None,
        request.FILES or None,
        items=selectors.stock_items(veteran.place),
        rounds=rounds,
        initial=initial,
    )

    def save(data):
        return services.record_contact(
            by=request.user,
            veteran=veteran,
            kind=data["kind"],
            day=data["day"],
            note=data["note"],
            photo=data["photo"],
            gift_item=data["gift_item"],
            gift_quantity=data["gift_quantity"],
            round=data.get("round"),
            submission=data["submission"],
        )

    return form_page(
        request,
        form,
        title=_("Record a call or visit: %(name)s") % {"name": veteran.name},
        place=veteran.place,
        save=save,
        done=lambda contact: (
            _("%(what)s to %(name)s recorded.") % {"what": contact.get_kind_display(), "name": veteran.name},
            reverse("care:due", args=[veteran.place_id]),
        ),
        offline="submission",
    )


@requires(VIEW_CARE)
def photo(request, care_contact_id: int):
    contact = get_for(request.scope, Contact.objects.exclude(photo=""), VIEW_CARE, pk=care_contact_id)
    try:
        return upload_response(contact.photo, filename=contact.photo_name or "photo.jpg")
    except FileNotFoundError:
        raise Http404 from None


@requires(VIEW_CARE)
def gone_up(request, place_id: int):
    place = place_for(request, place_id, VIEW_CARE)
    today = timezone.localdate()
    return render(
        request,
        "care/gone_up.html",
        {
            "place": place,
            "today": today,
            "rows": paginate(request, selectors.gone_up(request.scope, place, today), 50),
            "children": selectors.overdue_by_child(place, today),
        },
    )


@requires(VIEW_CARE)
@api_twin("qunfang.care.api.create_rule", "qunfang.care.api.add_category")
def rules(request, place_id: int):
    place = place_for(request, place_id, VIEW_CARE)
    may_set = may_set_rules(request.scope, place)
    form = _rule_form(request, place, None)
    category_form = CategoryForm(request.POST if "add_category" in request.POST else None)
    if "add_category" in request.POST:
        done = posted_form(
            request,
            category_form,
            allowed=may_set,
            url=request.path,
            message=_("Category added."),
            save=lambda data: services.add_category(by=request.user, place=place, name=data["name"]),
        )
    else:
        done = posted_form(
            request,
            form,
            allowed=may_set,
            url=request.path,
            message=_("Rule saved."),
            save=lambda data: _save_rule(request, place, None, data),
        )
    return done or render(
        request,
        "care/rules.html",
        {
            "place": place,
            "rules": selectors.rules_over(request.scope, place),
            "categories": selectors.categories_for(place),
            "form": form if may_set else None,
            "category_form": category_form if may_set else None,
        },
    )


def _rule_form(request, place, rule: CareRule | None) -> RuleForm:
    initial = {"starts": timezone.localdate()}
    if rule is not None:
        initial = {
            **{
                f: getattr(rule, f)
                for f in (
                    "name",
                    "kind",
                    "every_months",
                    "starts",
                    "older_than",
                    "active",
                    "town_after_days",
                    "district_after_days",
                )
            },
            "categories": list(rule.categories.all()),
            "tags": list(rule.tags.all()),
        }
    posted = request.POST if request.method == "POST" and "add_category" not in request.POST else None
    return RuleForm(posted, initial=initial, categories=selectors.categories_for(place), tags=_tags(place))


def _tags(place):
    return Tag.objects.filter(place_id__in=[*place.ancestor_ids, place.pk]).order_by("name")


def _save_rule(request, place, rule, data):
    facts = {k: data[k] for k in ("name", "kind", "every_months", "starts", "older_than")}
    facts.update(
        town_after_days=data["town_after_days"] or 0, district_after_days=data["district_after_days"] or 0
    )
    return services.save_rule(
        by=request.user,
        place=place,
        rule=rule,
        categories=data["categories"],
        tags=data["tags"],
        active=data["active"],
        **facts,
    )


@requires(SET_CARE_RULES)
@api_twin("qunfang.care.api.update_rule")
def rule_edit(request, care_rule_id: int):
    rule = get_for(request.scope, CareRule.objects.select_related("place"), SET_CARE_RULES, pk=care_rule_id)
    return form_page(
        request,
        _rule_form(request, rule.place, rule),
        title=_("Care rule: %(name)s") % {"name": rule.name},
        place=rule.place,
        save=lambda data: _save_rule(request, rule.place, rule, data),
        done=lambda saved: (_("Rule saved."), reverse("care:rules", args=[rule.place_id])),
    )


@requires(RECORD_CARE)
@api_twin("qunfang.care.api.record_event")
def event_new(request, veteran_id: int):
    veteran = _veteran(request, veteran_id, RECORD_CARE)
    return form_page(
        request,
        EventForm(request.POST or None, initial={"day": timezone.localdate()}),
        title=_("A life event: %(name)s") % {"name": veteran.name},
        place=veteran.place,
        save=lambda data: services.record_event(by=request.user, veteran=veteran, **data),
        done=lambda event: (_("Event recorded."), reverse("registry:veteran", args=[veteran.pk])),
    )


@requires(RECORD_CARE)
@api_twin("qunfang.care.api.set_categories")
def categories(request, veteran_id: int):
    veteran = _veteran(request, veteran_id, RECORD_CARE)
    chosen = [a.category for a in veteran.care_categories.select_related("category")]
    return form_page(
        request,
        CategoriesForm(
            request.POST or None,
            initial={"categories": chosen},
            categories=selectors.categories_for(veteran.place),
        ),
        title=_("Categories: %(name)s") % {"name": veteran.name},
        place=veteran.place,
        save=lambda data: services.set_categories(
            by=request.user, veteran=veteran, categories=data["categories"]
        ),
        done=lambda saved: (_("Categories saved."), reverse("registry:veteran", args=[veteran.pk])),
    )


@requires(VIEW_CARE)
@api_twin("qunfang.care.api.plan_round")
def rounds(request, place_id: int):
    place = place_for(request, place_id, VIEW_CARE)
    may_set = may_set_rules(request.scope, place)
    form = RoundForm(
        request.POST or None,
        categories=selectors.categories_for(place),
        tags=_tags(place),
        items=Item.objects.order_by("name"),
    )

    def plan(data):
        people = selectors.people_for(
            place,
            categories=data["categories"],
            tags=data["tags"],
            older_than=data["older_than"],
            today=timezone.localdate(),
        )
        return services.plan_round(
            by=request.user,
            place=place,
            name=data["name"],
            day=data["day"],
            veterans=people,
            gift_item=data["gift_item"],
            gift_quantity=data["gift_quantity"] or 0,
        )

    done = posted_form(
        request,
        form,
        allowed=may_set,
        save=plan,
        message=_("Round planned."),
        url=lambda round_: reverse("care:round", args=[round_.pk]),
    )
    return done or render(
        request,
        "care/rounds.html",
        {"place": place, "rounds": selectors.rounds(request.scope, place), "form": form if may_set else None},
    )


@requires(VIEW_CARE)
def round_detail(request, care_round_id: int):
    round_ = get_for(
        request.scope, Round.objects.select_related("place", "gift_item"), VIEW_CARE, pk=care_round_id
    )
    place_id = request.GET.get("place")
    place = place_for(request, int(place_id), VIEW_CARE) if place_id and place_id.isdigit() else round_.place
    rows = selectors.round_progress(round_, place)
    return render(
        request,
        "care/round.html",
        {
            "round": round_,
            "place": place,
            "rows": rows,
            "done": sum(r["done"] for r in rows),
            "left": sum(r["left"] for r in rows),
        },
    )
