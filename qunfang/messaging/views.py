"""Messaging's pages: a place's campaigns and templates, composing a campaign with its audience counted
and a sample message shown before anything is sent, and a campaign's progress, watched to the end."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qunfang.core.access import get_for, requires
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.core.views import form_page, paginate, place_for
from qunfang.messaging import selectors, services
from qunfang.messaging.forms import CampaignForm, TemplateForm
from qunfang.messaging.models import Campaign, CampaignStatus, MessageState


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
        },
    )


@requires(Capability.SEND_CAMPAIGNS)
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


def _campaigns_url(place: OrgUnit) -> str:
    return reverse("messaging:campaigns", args=[place.pk])


@requires(Capability.SEND_CAMPAIGNS)
def campaign_new(request, place_id: int):
    """Compose: "Count" shows how many would receive it and a sample message; "Save" keeps the draft."""
    place = place_for(request, place_id, Capability.SEND_CAMPAIGNS)
    form = CampaignForm(
        request.POST or None,
        templates=selectors.templates(request.scope, place),
        places=OrgUnit.objects.filter(parent=place).order_by("code", "name"),
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        recipients = services.audience(place, form.filters())
        if "count" in request.POST:
            first = recipients.select_related("place").order_by("pk").first()
            template = form.cleaned_data["template"]
            preview = {
                "count": recipients.count(),
                "sample": services.render(template.body, first) if first else "",
                "length": services.sms_length(template.body),
            }
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


def _campaign(request, campaign_id: int) -> Campaign:
    return get_for(
        request.scope,
        Campaign.objects.select_related("template", "place"),
        Capability.SEND_CAMPAIGNS,
        pk=campaign_id,
    )


@requires(Capability.SEND_CAMPAIGNS)
def campaign(request, campaign_id: int):
    found = _campaign(request, campaign_id)
    counts = selectors.progress(found)
    done = counts[MessageState.SENT] + counts[MessageState.DELIVERED] + counts[MessageState.FAILED]
    state = request.GET.get("state", "")
    return render(
        request,
        "messaging/campaign.html",
        {
            "campaign": found,
            "place": found.place,
            "counts": counts,
            "done": done,
            "percent": round(100 * done / found.recipients) if found.recipients else 0,
            "sending": found.status == CampaignStatus.SENDING,
            "audience": services.audience(found.place, found.audience).count()
            if found.status == CampaignStatus.DRAFT
            else None,
            "rows": paginate(request, selectors.messages(found, state)),  # not "messages": the flash messages
            "state": state,
            "page_query": f"state={state}" if state else "",
            "states": MessageState.choices,
        },
    )


@require_POST
@requires(Capability.SEND_CAMPAIGNS)
def campaign_start(request, campaign_id: int):
    found = _campaign(request, campaign_id)
    try:
        services.start_campaign(by=request.user, campaign=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Sending has started."))
    return redirect("messaging:campaign", campaign_id=found.pk)


@require_POST
@requires(Capability.SEND_CAMPAIGNS)
def campaign_retry(request, campaign_id: int):
    found = _campaign(request, campaign_id)
    count = services.retry_failed(by=request.user, campaign=found)
    messages.success(request, _("%(count)s failed messages queued again.") % {"count": count})
    return redirect("messaging:campaign", campaign_id=found.pk)
