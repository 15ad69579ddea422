"""Pages of reports by SMS, phone first: a station's registered phones (register, retire), the words its
reports are written in (a bureau sets the aliases), and the inbound messages with what became of each."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qunfang.core.access import get_for, requires
from qunfang.core.views import form_page, place_for, posted_form
from qunfang.lib.twins import api_twin
from qunfang.smsreports import keywords, parsing, selectors, services
from qunfang.smsreports.capabilities import MANAGE_PHONES, SET_KEYWORDS, VIEW_INBOUND
from qunfang.smsreports.forms import KeywordsForm, OutcomeFilter, PhoneForm
from qunfang.smsreports.models import Outcome, RegisteredPhone


@requires(VIEW_INBOUND)
def phones(request, place_id: int):
    place = place_for(request, place_id, VIEW_INBOUND)
    vocabulary = keywords.vocabulary(place)
    return render(
        request,
        "smsreports/phones.html",
        {
            "place": place,
            "phones": selectors.phones(request.scope, place)[: selectors.MOST_SHOWN],
            "may_manage": request.scope.allows(MANAGE_PHONES, place),
            "is_station": services.reports_by_sms(place),
            "example": parsing.example(vocabulary),
            "work_example": parsing.example(vocabulary, keywords.WORK),
        },
    )


@requires(MANAGE_PHONES)
@api_twin("qunfang.smsreports.api.register_phone")
def phone_new(request, place_id: int):
    place = place_for(request, place_id, MANAGE_PHONES)
    form = PhoneForm(request.POST or None)
    return form_page(
        request,
        form,
        title=_("Register a phone for reports by SMS"),
        place=place,
        save=lambda data: services.register_phone(
            by=request.user, place=place, phone=data["phone"], holder=data["holder"]
        ),
        done=lambda row: (
            _("Registered: %(phone)s.") % {"phone": row.phone},
            reverse("smsreports:phones", args=[place.pk]),
        ),
    )


@require_POST
@requires(MANAGE_PHONES)
@api_twin("qunfang.smsreports.api.retire_phone")
def phone_retire(request, phone_id: int):
    row = get_for(request.scope, RegisteredPhone.objects.select_related("place"), MANAGE_PHONES, pk=phone_id)
    services.retire_phone(by=request.user, phone=row)
    messages.success(request, _("Retired: %(phone)s.") % {"phone": row.phone})
    return redirect("smsreports:phones", row.place_id)


@requires(VIEW_INBOUND)
@api_twin("qunfang.smsreports.api.set_keywords")
def keyword_list(request, place_id: int):
    place = place_for(request, place_id, VIEW_INBOUND)
    entries = keywords.vocabulary(place, below=True).entries
    may_set = request.scope.allows(SET_KEYWORDS, place)
    form = KeywordsForm(request.POST or None, entries=entries)
    done = posted_form(
        request,
        form,
        allowed=may_set,
        save=lambda data: services.set_aliases(by=request.user, place=place, aliases=form.aliases()),
        message=_("The keywords are saved."),
        url=reverse("smsreports:keywords", args=[place.pk]),
    )
    if done:
        return done
    return render(
        request,
        "smsreports/keywords.html",
        {"place": place, "entries": entries, "form": form, "may_set": may_set},
    )


@requires(VIEW_INBOUND)
def inbound(request, place_id: int):
    place = place_for(request, place_id, VIEW_INBOUND)
    chosen = OutcomeFilter(request.GET or None)
    outcome = chosen.cleaned_data["outcome"] if chosen.is_valid() else ""
    counts = selectors.outcome_counts(request.scope, place)
    return render(
        request,
        "smsreports/inbound.html",
        {
            "place": place,
            "filter": chosen,
            "outcome": outcome,
            "counts": [(value, label, counts[value]) for value, label in Outcome.choices],
            "messages_in": selectors.inbound(request.scope, place, outcome=outcome)[: selectors.MOST_SHOWN],
        },
    )
