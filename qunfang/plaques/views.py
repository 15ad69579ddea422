"""Plaque pages, phone first: the households of a place with their plaque; those still to receive one,
each hung with one tap (the day set to today); a household's plaque page with its history, where its
first plaque is hung, a plaque replaced (with why), or a line recorded by mistake cancelled."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core.access import get_for, requires
from qunfang.core.views import back_to, paginate, place_for, posted_form
from qunfang.lib.twins import api_twin
from qunfang.plaques import selectors, services
from qunfang.plaques.forms import CancelForm, FirstForm, HangForm, ReplaceForm
from qunfang.plaques.models import Reason
from qunfang.plaques.selectors import RECORD, VIEW
from qunfang.registry.models import Status, Veteran


@requires(VIEW)
def plaque_list(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    return render(
        request,
        "plaques/list.html",
        {
            "place": place,
            "rows": paginate(request, selectors.hung(request.scope, place), 30),
            "waiting": selectors.without_plaque(place).count(),
        },
    )


@requires(VIEW)
@api_twin("qunfang.plaques.api.hang")
def to_hang(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    may_record = request.scope.allows(RECORD, place)
    form = HangForm(request.POST or None)
    if request.method == "POST" and may_record and form.is_valid():
        veteran = get_for(
            request.scope,
            Veteran.objects.under(place).select_related("place"),
            RECORD,
            pk=form.cleaned_data["veteran"],
        )
        try:
            services.hang(by=request.user, veteran=veteran, day=form.cleaned_data["day"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Plaque hung: %(name)s.") % {"name": veteran.name})
        return redirect(back_to(request, reverse("plaques:to_hang", args=[place.pk])))
    return render(
        request,
        "plaques/to_hang.html",
        {
            "place": place,
            "rows": paginate(request, selectors.to_hang(request.scope, place), 30),
            "may_record": may_record,
            "today": timezone.localdate(),
        },
    )


def _household_url(veteran: Veteran) -> str:
    return reverse("plaques:household", args=[veteran.pk])


@requires(VIEW)
@api_twin("qunfang.plaques.api.hang", "qunfang.plaques.api.cancel")
def household(request, veteran_id: int):
    veteran = get_for(request.scope, Veteran.objects.select_related("place"), VIEW, pk=veteran_id)
    may_record = request.scope.allows(RECORD, veteran.place)
    hanging = services.current_plaque(veteran)
    posted = request.POST if request.method == "POST" else None
    today = {"day": timezone.localdate(), "submission": uuid.uuid4().hex}
    first = FirstForm(posted if posted and "first" in posted else None, initial=today, prefix="first")
    replace = ReplaceForm(posted if posted and "replace" in posted else None, initial=today, prefix="replace")
    cancel = CancelForm(posted if posted and "cancel" in posted else None, prefix="cancel")
    name = {"name": veteran.name}
    writes = (
        (
            first,
            lambda d: services.hang(by=request.user, veteran=veteran, day=d["day"], note=d["note"]),
            _("Plaque hung: %(name)s.") % name,
        ),
        (
            replace,
            lambda d: services.hang(
                by=request.user, veteran=veteran, day=d["day"], reason=d["reason"], note=d["note"]
            ),
            _("Plaque replaced: %(name)s.") % name,
        ),
        (
            cancel,
            lambda d: services.cancel(by=request.user, plaque=hanging, reason=d["reason"]),
            _("The line is cancelled."),
        ),
    )
    for form, save, message in writes:
        if form.is_bound:
            if form is cancel and hanging is None:
                form.add_error(None, _("This household has no plaque yet: hang its first one."))
                continue
            answer = posted_form(
                request, form, allowed=may_record, save=save, message=message, url=_household_url(veteran)
            )
            if answer:
                return answer
    return render(
        request,
        "plaques/household.html",
        {
            "veteran": veteran,
            "place": veteran.place,
            "hanging": hanging,
            "history": selectors.history(request.scope, veteran),
            "may_record": may_record and veteran.status != Status.MOVED,
            "living": veteran.status == Status.ACTIVE,
            "first": first,
            "replace": replace,
            "cancel": cancel,
            "first_reason": Reason.FIRST,
        },
    )
