"""Hardship help's pages: a place's cases by state, opening a case on a phone (with an attachment), a
case's page with its checks, steps and the actions the person may take there (send up, approve or
return, pay, follow up, attach), the care funds with their ledger and balance, and the eligibility
rules."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qunfang.core.access import get_for, requires
from qunfang.core.roles import Capability
from qunfang.core.views import add_service_errors, form_page, paginate, place_for, posted_form, search_text
from qunfang.core.widgets import pick_url
from qunfang.donations.models import CashDonation
from qunfang.hardship import selectors, services
from qunfang.hardship.capabilities import Hardship
from qunfang.hardship.eligibility import checks_for
from qunfang.hardship.forms import (
    AttachForm,
    BudgetInForm,
    CaseForm,
    DecideForm,
    DonationInForm,
    FollowUpForm,
    FundForm,
    PayForm,
    RuleForm,
    SendForm,
)
from qunfang.hardship.models import (
    Attachment,
    CaseState,
    EligibilityRule,
    Fund,
    FundLine,
    HardshipCase,
)
from qunfang.lib.twins import api_twin
from qunfang.lib.uploads import UploadNotSaved, upload_response
from qunfang.registry.models import Status, Veteran

VIEW, OPEN, DECIDE, KEEP = Hardship.VIEW, Hardship.OPEN_CASES, Hardship.DECIDE_CASES, Hardship.KEEP_FUNDS


def _case_url(case: HardshipCase) -> str:
    return reverse("hardship:case", args=[case.pk])


@requires(VIEW)
def case_list(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    state = request.GET.get("state", "")
    state = state if state in CaseState.values else ""
    counts = selectors.counts_by_state(place)
    return render(
        request,
        "hardship/cases.html",
        {
            "place": place,
            "state": state,
            "states": [(value, label, counts.get(value, 0)) for value, label in CaseState.choices],
            "rows": paginate(request, selectors.cases(request.scope, place, state), 30),
            "may_open": request.scope.allows(OPEN, place) and place.level in ("village", "town"),
            "may_keep": request.scope.allows(KEEP, place),
        },
    )


def _veterans(place):
    return Veteran.objects.under(place).filter(status=Status.ACTIVE).select_related("place").order_by("name")


@requires(OPEN)
def veteran_pick(request, place_id: int):
    """The first veterans of the place whose name holds the typed text, for the case form's picker."""
    place = place_for(request, place_id, OPEN)
    text = search_text(request)[:50]
    found = _veterans(place).filter(name__icontains=text)[:20] if text else []
    return JsonResponse(
        [{"id": v.pk, "label": f"{v.name} · {v.place.name} · {v.birth_date:%Y}"} for v in found], safe=False
    )


@requires(OPEN)
@api_twin("qunfang.hardship.api.open_case", "qunfang.hardship.api.attach")
def case_new(request, place_id: int):
    place = place_for(request, place_id, OPEN)
    veteran = request.GET.get("veteran", "")
    form = CaseForm(
        request.POST or None, request.FILES or None, veterans=_veterans(place),
        funds=selectors.funds_for_cases(place),
        initial={"veteran": veteran if veteran.isdigit() else None},
    )  # fmt: skip
    pick_url(form.fields["veteran"], reverse("hardship:veteran_pick", args=[place.pk]))

    def save(data):
        try:
            return services.open_case(by=request.user, place=place, **data)
        except UploadNotSaved as error:
            raise ValidationError({"upload": str(error)}) from None

    return form_page(
        request,
        form,
        title=_("Open a hardship case"),
        place=place,
        save=save,
        done=lambda case: (_("Case opened for %(name)s.") % {"name": case.veteran.name}, _case_url(case)),
    )


def _case(request, case_id: int, capability=VIEW) -> HardshipCase:
    return get_for(request.scope, selectors.case_query(), capability, pk=case_id)


def _may(request, case: HardshipCase) -> dict:
    """What the person may do to the case now, as its page offers it."""
    scope, state = request.scope, case.state
    return {
        "send": state in (CaseState.OPEN, CaseState.RETURNED) and scope.allows(OPEN, case.place),
        # only at the person's own step (services.cases: each level decides its own)
        "decide": state == CaseState.SENT and scope.allows(DECIDE, case.at) and case.at_id in scope.place_ids,
        "pay": state == CaseState.APPROVED and scope.allows(KEEP, case.fund.place),
        "follow_up": state == CaseState.PAID and scope.allows(OPEN, case.place),
        "attach": state != CaseState.CLOSED and scope.allows(OPEN, case.place),
        "see_fund": scope.allows(VIEW, case.fund.place),
        "took_part": state == CaseState.SENT and services.took_part(case, request.user),
    }


def _case_page(request, case: HardshipCase, bound: dict | None = None):
    """The case's page, with a form bound to what was posted when an action was refused."""
    today = timezone.localdate()
    left = case.left_to_pay
    forms = {
        "send": SendForm(),
        "decide": DecideForm(initial={"amount": case.approved if case.approved is not None else case.asked}),
        "pay": PayForm(initial={"amount": left, "day": today}),
        "follow_up": FollowUpForm(initial={"day": today}),
        "attach": AttachForm(),
        **(bound or {}),
    }
    live = case.state in (CaseState.OPEN, CaseState.RETURNED)
    return render(
        request,
        "hardship/case.html",
        {
            "case": case,
            "place": case.place,
            "checks": checks_for(case) if live else case.checks,
            "steps": selectors.steps(case),
            "attachments": case.attachments.all(),
            "deciders": services.deciders(case),
            "may": _may(request, case),
            "forms": forms,
        },
        status=400 if bound else 200,
    )


@requires(VIEW)
def case_detail(request, case_id: int):
    return _case_page(request, _case(request, case_id))


def _act(request, case_id: int, capability, name: str, form_class, allowed, save, message: str):
    """An action posted from the case's page: allowed here (else 404, as for a stranger), the form
    valid and the service willing; or the page again with the form and its errors."""
    case = _case(request, case_id, capability)
    if not allowed(case):
        raise Http404
    form = form_class(request.POST, request.FILES or None)
    if form.is_valid():
        try:
            save(case, form.cleaned_data)
        except UploadNotSaved as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(_case_url(case))
    return _case_page(request, case, {name: form})


@requires(OPEN)
@require_POST
@api_twin("qunfang.hardship.api.send_up")
def case_send(request, case_id: int):
    return _act(
        request, case_id, OPEN, "send", SendForm, lambda case: _may(request, case)["send"],
        lambda case, data: services.send_up(by=request.user, case=case, reason=data["reason"]),
        _("Case sent up."),
    )  # fmt: skip


@requires(DECIDE)
@require_POST
@api_twin("qunfang.hardship.api.approve", "qunfang.hardship.api.return_case")
def case_decide(request, case_id: int):
    returning = "return" in request.POST

    def save(case, data):
        if returning:
            return services.return_case(by=request.user, case=case, reason=data["reason"])
        return services.approve(by=request.user, case=case, amount=data["amount"], reason=data["reason"])

    return _act(
        request, case_id, VIEW, "decide", DecideForm, lambda case: _may(request, case)["decide"], save,
        _("Case returned to the station.") if returning else _("Case approved."),
    )  # fmt: skip


@requires(KEEP)
@require_POST
@api_twin("qunfang.hardship.api.pay")
def case_pay(request, case_id: int):
    return _act(
        request, case_id, VIEW, "pay", PayForm, lambda case: _may(request, case)["pay"],
        lambda case, data: services.pay(by=request.user, case=case, **data), _("Payment recorded."),
    )  # fmt: skip


@requires(OPEN)
@require_POST
@api_twin("qunfang.hardship.api.follow_up")
def case_follow_up(request, case_id: int):
    return _act(
        request, case_id, OPEN, "follow_up", FollowUpForm, lambda case: _may(request, case)["follow_up"],
        lambda case, data: services.follow_up(by=request.user, case=case, **data),
        _("Follow-up visit recorded: the case is closed."),
    )  # fmt: skip


@requires(OPEN)
@require_POST
@api_twin("qunfang.hardship.api.attach")
def case_attach(request, case_id: int):
    return _act(
        request, case_id, OPEN, "attach", AttachForm, lambda case: _may(request, case)["attach"],
        lambda case, data: services.attach(by=request.user, case=case, upload=data["upload"]),
        _("Attachment added."),
    )  # fmt: skip


@requires(VIEW)
def attachment(request, attachment_id: int):
    found = get_for(request.scope, Attachment.objects.select_related("case"), VIEW, pk=attachment_id)
    return upload_response(found.file, as_attachment=True, filename=found.name or "attachment")


# --- funds ------------------------------------------------------------------------------------------------


@requires(VIEW)
@api_twin("qunfang.hardship.api.create_fund")
def fund_list(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    may_keep = request.scope.allows(KEEP, place) and place.level not in ("village", "grid")
    form = FundForm(request.POST or None)
    done = posted_form(
        request, form, allowed=may_keep,
        save=lambda data: services.create_fund(by=request.user, place=place, **data),
        message=_("Fund made."), url=lambda fund: reverse("hardship:fund", args=[fund.pk]),
    )  # fmt: skip
    return done or render(
        request,
        "hardship/funds.html",
        {"place": place, "funds": selectors.funds(request.scope, place), "form": form, "may_keep": may_keep},
    )


def _donations_for(request, fund: Fund):
    """Gifts received at the fund's place or below that the keeper may take in (newest first)."""
    return (
        CashDonation.objects.visible_to(request.scope, Capability.VIEW_DONATIONS)
        .under(fund.place)
        .select_related("donor")
        .order_by("-day", "-pk")
    )


@requires(VIEW)
@api_twin("qunfang.hardship.api.take_in_donation", "qunfang.hardship.api.take_in_budget")
def fund_detail(request, fund_id: int):
    fund = get_for(request.scope, Fund.objects.select_related("place"), VIEW, pk=fund_id)
    may_keep = request.scope.allows(KEEP, fund.place)
    posted = request.POST if request.method == "POST" else None
    today = {"day": timezone.localdate()}
    donation_in = DonationInForm(posted if posted and "donation_in" in posted else None,
                                 donations=_donations_for(request, fund), initial=today)  # fmt: skip
    budget_in = BudgetInForm(posted if posted and "budget_in" in posted else None, initial=today)
    for form, save in (
        (donation_in, lambda data: services.take_in_donation(by=request.user, fund=fund, **data)),
        (budget_in, lambda data: services.take_in_budget(by=request.user, fund=fund, **data)),
    ):
        if not form.is_bound:
            continue
        url = reverse("hardship:fund", args=[fund.pk])
        done = posted_form(request, form, allowed=may_keep, save=save, message=_("Money taken in."), url=url)
        if done:
            return done
    if posted and not (donation_in.is_bound or budget_in.is_bound):
        raise Http404
    return render(
        request,
        "hardship/fund.html",
        {
            "fund": fund,
            "place": fund.place,
            "lines": paginate(request, selectors.lines(fund), 30),
            "donation_in": donation_in,
            "budget_in": budget_in,
            "may_keep": may_keep,
        },
    )


@requires(KEEP)
@require_POST
@api_twin("qunfang.hardship.api.reverse_line")
def line_reverse(request, line_id: int):
    line = get_for(request.scope, FundLine.objects.select_related("fund"), KEEP, pk=line_id)
    try:
        services.reverse_line(by=request.user, line=line, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Line reversed."))
    return redirect(reverse("hardship:fund", args=[line.fund_id]))


# --- rules ------------------------------------------------------------------------------------------------


@requires(VIEW)
@api_twin("qunfang.hardship.api.add_rule")
def rule_list(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    may_keep = request.scope.allows(KEEP, place)
    form = RuleForm(request.POST or None)
    done = posted_form(
        request, form, allowed=may_keep,
        save=lambda data: services.add_rule(by=request.user, place=place, **data),
        message=_("Rule added."), url=reverse("hardship:rules", args=[place.pk]),
    )  # fmt: skip
    return done or render(
        request,
        "hardship/rules.html",
        {"place": place, "rules": selectors.rules_in_force(place), "form": form, "may_keep": may_keep},
    )


@requires(KEEP)
@require_POST
@api_twin("qunfang.hardship.api.end_rule")
def rule_end(request, rule_id: int):
    rule = get_for(request.scope, EligibilityRule.objects.select_related("place"), KEEP, pk=rule_id)
    try:
        services.end_rule(by=request.user, rule=rule)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The rule is no longer in force."))
    return redirect(reverse("hardship:rules", args=[rule.place_id]))
