"""Residents' requests and questions: the list (open first, mine on a filter), taking one down, giving
it to a staff member or a volunteer, answering it (a standard answer or one's own words); and the
shared standard answers."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.community import exports
from qunfang.community.forms.requests import AnswerForm, AssignForm, RequestForm, StandardAnswerForm
from qunfang.community.models import Household, RequestStatus, ResidentRequest, StandardAnswer
from qunfang.community.selectors import requests as selectors
from qunfang.community.selectors.screening import possible_callers
from qunfang.community.services import requests as services
from qunfang.community.services.register import community_of
from qunfang.core.access import get_for, requires
from qunfang.core.roles import Capability
from qunfang.core.views import add_service_errors, form_page, paginate, place_for
from qunfang.lib.twins import api_twin
from qunfang.mobilization.selectors import who_can_take_part


@requires(Capability.VIEW_COMMUNITY)
def request_list(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_COMMUNITY)
    status = request.GET.get("status", "not_done")
    mine = request.user if request.GET.get("mine") else None
    found = selectors.requests(request.scope, place, status, mine)
    if request.GET.get("format") == "xlsx":
        return _export(place, found)
    query = f"status={status}" + ("&mine=1" if mine else "")
    return render(
        request,
        "community/requests.html",
        {
            "place": place,
            "rows": paginate(request, found),
            "status": status,
            "statuses": [("not_done", _("Not done")), *RequestStatus.choices, ("all", _("All"))],
            "mine": bool(mine),
            "page_query": query,
            "may_manage": request.scope.allows(Capability.MANAGE_COMMUNITY, place),
        },
    )


def _export(place, found):
    return exports.REQUESTS.response(found, title=place.name[:30], filename=f"{place.name}-requests.xlsx")


@requires(Capability.MANAGE_COMMUNITY)
@api_twin("qunfang.community.api.requests.take_request")
def request_new(request, place_id: int):
    place = place_for(request, place_id, Capability.MANAGE_COMMUNITY)

    def save(data):
        household = None
        if data["building"] or data["room"]:
            household = Household.objects.filter(
                building__community=community_of(place), building__number=data["building"].strip(),
                unit=data["unit"].strip(), room=data["room"].strip(),
            ).select_related("building").first()  # fmt: skip
            if household is None:
                raise ValidationError({"room": _("No such household in the register.")})
        return services.take_request(
            by=request.user, community=place, channel=data["channel"], category=data["category"],
            text=data["text"], household=household,
        )  # fmt: skip

    return form_page(
        request,
        RequestForm(request.POST or None),
        title=_("Take down a request or question"),
        place=place,
        save=save,
        done=lambda taken: (_("Request taken down."), _request_url(taken)),
    )


def _request_url(taken: ResidentRequest) -> str:
    return reverse("community:request", args=[taken.pk])


@requires(Capability.VIEW_COMMUNITY)
@api_twin("qunfang.community.api.requests.assign_request", "qunfang.community.api.requests.answer_request")
def request_detail(request, request_id: int):
    taken = get_for(
        request.scope,
        ResidentRequest.objects.select_related(
            "household__building", "community", "assigned_to", "volunteer"
        ),
        Capability.VIEW_COMMUNITY,
        pk=request_id,
    )
    may_manage = request.scope.allows(Capability.MANAGE_COMMUNITY, taken.place)
    assign = AssignForm(
        request.POST if "assign" in request.POST else None,
        people=possible_callers(taken.community),
        volunteers=who_can_take_part(request.scope, taken.community, timezone.localdate()),
    )
    answers = selectors.standard_answers(taken.place, taken.category)
    answer = AnswerForm(request.POST if "answer_it" in request.POST else None, answers=answers)
    if request.method == "POST" and may_manage:
        form = assign if "assign" in request.POST else answer
        if form.is_valid():
            try:
                if form is assign:
                    services.assign_request(by=request.user, resident_request=taken, **form.cleaned_data)
                else:
                    services.answer_request(by=request.user, resident_request=taken, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(_request_url(taken))
    return render(
        request,
        "community/request.html",
        {
            "taken": taken,
            "place": taken.place,
            "assign": assign,
            "answer": answer,
            "may_manage": may_manage,
            "community_open": request.scope.allows(Capability.VIEW_COMMUNITY, taken.community),
        },
    )


@requires(Capability.VIEW_COMMUNITY)
@api_twin("qunfang.community.api.requests.add_standard_answer")
def standard_answers(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_COMMUNITY)
    may_manage = request.scope.allows(Capability.MANAGE_COMMUNITY, place)
    form = StandardAnswerForm(request.POST or None)
    if request.method == "POST" and may_manage and form.is_valid():
        try:
            services.save_standard_answer(by=request.user, place=place, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Standard answer saved."))
            return redirect(reverse("community:answers", args=[place.pk]))
    return render(
        request,
        "community/answers.html",
        {
            "place": place,
            "answers": selectors.standard_answers(place),
            "form": form,
            "may_manage": may_manage,
        },
    )


@requires(Capability.MANAGE_COMMUNITY)
@api_twin("qunfang.community.api.requests.edit_standard_answer")
def standard_answer_edit(request, answer_id: int):
    item = get_for(request.scope, StandardAnswer.objects.all(), Capability.MANAGE_COMMUNITY, pk=answer_id)
    initial = {"category": item.category, "question": item.question, "answer": item.answer}
    return form_page(
        request,
        StandardAnswerForm(request.POST or None, initial=initial),
        title=_("Edit a standard answer"),
        place=item.place,
        save=lambda data: services.save_standard_answer(
            by=request.user, place=item.place, existing=item, **data
        ),
        done=lambda saved: (_("Standard answer saved."), reverse("community:answers", args=[saved.place_id])),
    )
