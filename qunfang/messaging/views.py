"""Messaging's pages: a place's campaigns and templates, composing a campaign with its audience counted
and a sample message shown before anything is sent, and a campaign's progress, watched to the end."""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qunfang.core.access import get_for, requires, signed_in
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.core.views import back_to, form_page, paginate, place_for
from qunfang.lib.twins import api_twin
from qunfang.lib.uploads import upload_response
from qunfang.messaging import selectors, services
from qunfang.messaging.forms import CallForm, CampaignForm, OutsideCampaignForm, ScheduleForm, TemplateForm
from qunfang.messaging.models import (
    CallOutcome,
    Campaign,
    CampaignStatus,
    Channel,
    Message,
    MessageState,
    OutsideCampaign,
)
from qunfang.mobilization.models import Team
from qunfang.reporting import selectors as reporting_selectors


@requires(Capability.SEND_CAMPAIGNS)
def campaigns(request, place_id: int):
    place = place_for(request, place_id, Capability.SEND_CAMPAIGNS)
    return render(
        request,
        "messaging/campaigns.html",
        {
            "place": place,
            "campaigns": paginate(request, selectors.campaigns(request.scope, place)),
            "templates": selectors.templates(request.scope, place),
            "outside": selectors.outside_campaigns(request.scope, place)[:50],
        },
    )


@requires(Capability.SEND_CAMPAIGNS)
@api_twin("qunfang.messaging.api.create_template")
def template_new(request, place_id: int):
    place = place_for(request, place_id, Capability.SEND_CAMPAIGNS)
    return form_page(
        request,
        TemplateForm(request.POST or None),
        title=_("New template"),
        place=place,
        save=lambda data: services.save_template(by=request.user, place=place, **data),
        done=lambda template: (
            _("Template %(name)s saved.") % {"name": template.name},
            _campaigns_url(place),
        ),
    )


@requires(Capability.SEND_CAMPAIGNS)
@api_twin("qunfang.messaging.api.record_outside_campaign_with_receipt")
def outside_campaign_new(request, place_id: int):
    place = place_for(request, place_id, Capability.SEND_CAMPAIGNS)
    form = OutsideCampaignForm(
        request.POST or None, request.FILES or None, initial={"submission": uuid.uuid4().hex}
    )
    return form_page(
        request,
        form,
        title=_("Record a campaign sent through another platform"),
        place=place,
        save=lambda data: services.record_outside_campaign(by=request.user, place=place, **data),
        done=lambda record: (
            _("%(sent)s messages sent through %(platform)s on %(day)s recorded.")
            % {"sent": record.sent, "platform": record.platform, "day": record.day},
            _campaigns_url(place),
        ),
    )


@requires(Capability.SEND_CAMPAIGNS)
def outside_campaign_receipt(request, outside_campaign_id: int):
    record = get_for(
        request.scope,
        OutsideCampaign.objects.exclude(receipt=""),
        Capability.SEND_CAMPAIGNS,
        pk=outside_campaign_id,
    )
    return upload_response(record.receipt, as_attachment=True, filename=record.receipt_name or "receipt")


def _campaigns_url(place: OrgUnit) -> str:
    return reverse("messaging:campaigns", args=[place.pk])


@requires(Capability.SEND_CAMPAIGNS)
@api_twin("qunfang.messaging.api.count_audience", "qunfang.messaging.api.create_campaign")
def campaign_new(request, place_id: int):
    """Compose: "Count" shows how many would receive it and a sample message; "Save" keeps the draft."""
    place = place_for(request, place_id, Capability.SEND_CAMPAIGNS)
    form = _campaign_form(request, place)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "count" in request.POST:
            preview = services.preview(place, form.filters(), form.cleaned_data["template"])
        else:
            campaign = services.create_campaign(
                by=request.user,
                place=place,
                name=form.cleaned_data["name"],
                template=form.cleaned_data["template"],
                filters=form.filters(),
            )
            return redirect("messaging:campaign", campaign_id=campaign.pk)
    return render(request, "messaging/campaign_new.html", {"place": place, "form": form, "preview": preview})


@require_POST
@requires(Capability.SEND_CAMPAIGNS)
@api_twin("qunfang.messaging.api.count_audience")
def campaign_count(request, place_id: int):
    """The live count of the compose page: the audience counted as the form changes (htmx)."""
    place = place_for(request, place_id, Capability.SEND_CAMPAIGNS)
    form = _campaign_form(request, place)
    preview = (
        services.preview(place, form.filters(), form.cleaned_data["template"]) if form.is_valid() else None
    )
    return render(request, "messaging/_preview.html", {"preview": preview, "errors": not preview})


def _campaign_form(request, place: OrgUnit) -> CampaignForm:
    return CampaignForm(
        request.POST or None,
        templates=selectors.templates(request.scope, place),
        places=OrgUnit.objects.filter(parent=place).order_by("code", "sort_name"),
        teams=Team.objects.visible_to(request.scope, Capability.SEND_CAMPAIGNS).under(place),
        data_sets=reporting_selectors.data_sets(place),
        callers=selectors.possible_callers(place),
    )


def _campaign(request, campaign_id: int) -> Campaign:
    return selectors.campaign_for(request.scope, campaign_id)


def _progress(found: Campaign) -> dict:
    counts = selectors.progress(found)
    done = counts[MessageState.SENT] + counts[MessageState.DELIVERED] + counts[MessageState.FAILED]
    return {
        "campaign": found,
        "counts": counts,
        "done": done,
        "percent": round(100 * done / found.recipients) if found.recipients else 0,
        "sending": found.status == CampaignStatus.SENDING,
        "phone": found.template.channel == Channel.PHONE,
    }


@requires(Capability.SEND_CAMPAIGNS)
def campaign(request, campaign_id: int):
    found = _campaign(request, campaign_id)
    state, search = request.GET.get("state", ""), request.GET.get("q", "").strip()[:50]
    rows = paginate(request, selectors.messages(found, state, search))  # not "messages": the flash messages
    for message in rows:
        message.shown_phone = selectors.masked_phone(message)
    phone = found.template.channel == Channel.PHONE
    return render(
        request,
        "messaging/campaign.html",
        {
            **_progress(found),
            "place": found.place,
            "audience": services.audience(found.place, found.audience, found.template.channel).count()
            if found.status in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED)
            else None,
            "schedule_form": ScheduleForm(),
            "rows": rows,
            "state": state,
            "search": search,
            "page_query": urlencode({k: v for k, v in (("state", state), ("q", search)) if v}),
            "states": MessageState.choices,
            "callers": selectors.calls_by_caller(found) if phone else [],
            "outcomes": CallOutcome.choices,
        },
    )


@requires(Capability.SEND_CAMPAIGNS)
@api_twin("qunfang.messaging.api.start_campaign")
def campaign_start(request, campaign_id: int):
    """Ask first (how many will receive it, and the first of the messages as it will read), then send
    what was confirmed: the service refuses if the audience has changed in between."""
    found = _campaign(request, campaign_id)
    if found.status not in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED):
        return redirect("messaging:campaign", campaign_id=found.pk)
    if request.method != "POST":
        shown = services.preview(found.place, found.audience, found.template)
        phone = found.template.channel == Channel.PHONE
        context = {"campaign": found, "place": found.place, "preview": shown, "phone": phone}
        return render(request, "messaging/campaign_confirm.html", context)
    try:
        confirmed = int(request.POST.get("confirmed", ""))
    except ValueError:
        return redirect("messaging:campaign_start", campaign_id=found.pk)  # ask again
    try:
        services.start_campaign(by=request.user, campaign=found, confirmed=confirmed)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("messaging:campaign_start", campaign_id=found.pk)
    messages.success(request, _("Sending has started."))
    return redirect("messaging:campaign", campaign_id=found.pk)


@require_POST
@requires(Capability.SEND_CAMPAIGNS)
@api_twin("qunfang.messaging.api.schedule_campaign")
def campaign_schedule(request, campaign_id: int):
    found = _campaign(request, campaign_id)
    form = ScheduleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Enter the date and time to send at."))
        services.schedule_campaign(by=request.user, campaign=found, at=form.cleaned_data["send_at"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The campaign will start at the time chosen."))
    return redirect("messaging:campaign", campaign_id=found.pk)


@require_POST
@requires(Capability.SEND_CAMPAIGNS)
@api_twin("qunfang.messaging.api.unschedule_campaign")
def campaign_unschedule(request, campaign_id: int):
    services.unschedule_campaign(by=request.user, campaign=_campaign(request, campaign_id))
    return redirect("messaging:campaign", campaign_id=campaign_id)


@require_POST
@requires(Capability.SEND_CAMPAIGNS)
@api_twin("qunfang.messaging.api.retry_failed")
def campaign_retry(request, campaign_id: int):
    found = _campaign(request, campaign_id)
    count = services.retry_failed(by=request.user, campaign=found)
    messages.success(request, _("%(count)s failed messages queued again.") % {"count": count})
    return redirect("messaging:campaign", campaign_id=found.pk)


# --- phone calls: each caller's share ------------------------------------------------------------------


@signed_in
def my_campaigns(request):
    """The phone campaigns with calls given to the signed-in user, and how many are left."""
    return render(request, "messaging/my_campaigns.html", {"campaigns": selectors.my_campaigns(request.user)})


@signed_in
def calls(request, campaign_id: int):
    state = request.GET.get("state", "")
    found, mine = selectors.my_calls(request.user, campaign_id, state)
    rows = paginate(request, mine)
    for message in rows:
        message.shown_phone = selectors.masked_phone(message)
    everything = selectors.my_calls(request.user, campaign_id)[1]
    return render(
        request,
        "messaging/calls.html",
        {
            "campaign": found,
            "place": found.place,
            "rows": rows,
            "state": state,
            "page_query": f"state={state}" if state else "",
            "outcomes": CallOutcome.choices,
            "total": everything.count(),
            "left": everything.filter(state=MessageState.QUEUED).count(),
        },
    )


def _my_call(request, message_id: int) -> Message:
    return get_object_or_404(
        Message.objects.select_related(*services.RECIPIENT_RELATIONS), pk=message_id, caller=request.user
    )


@require_http_methods(["GET", "POST"])
@signed_in
@api_twin("qunfang.messaging.api.reveal_call_number")
def call_number(request, message_id: int):
    """The full number for the caller to dial (recorded in the audit log); the page opened again (a
    reload, Back) goes to the list."""
    message = _my_call(request, message_id)
    if request.method == "GET":
        return redirect(f"{_back(request, message)}#call-{message.pk}")
    number = services.number_to_call(by=request.user, message=message)
    return render(
        request,
        "core/call_page.html",
        {
            "heading": message.recipient.name,
            "meta": message.campaign.name,
            "script": message.text,
            "list_name": _("Back to the list"),
            "back": f"{_back(request, message)}#call-{message.pk}",
            "call_id": message.pk,
            "revealed": {"pk": message.pk, "number": number},
            "record_url": reverse("messaging:call_record", args=[message.pk]),
            "outcomes": CallOutcome.choices,
            "current": message.outcome,
            "note": message.note,
        },
    )


def _back(request, message: Message) -> str:
    return back_to(request, reverse("messaging:calls", args=[message.campaign_id]))


@require_POST
@signed_in
@api_twin("qunfang.messaging.api.record_call")
def call_record(request, message_id: int):
    message = _my_call(request, message_id)
    form = CallForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose how the call went."))
        services.record_call(by=request.user, message=message, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Call to %(name)s recorded.") % {"name": message.recipient.name})
    return redirect(f"{_back(request, message)}#call-{message.pk}")
