"""The dashboard of a place and period (every figure from what the apps keep, each with its chart or
trend, the breakdown by child place drilling down the tree); work briefings written from it, edited,
made final, sent up, published, as .docx and PDF; public notices; and the place's public page."""

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qunfang.briefings import documents, selectors, services
from qunfang.briefings.forms import DraftForm, EditForm, NoticeForm
from qunfang.briefings.models import Briefing, Notice
from qunfang.core.access import get_for, public, requires
from qunfang.core.models import OrgUnit
from qunfang.core.replica import reads_from_replica
from qunfang.core.roles import Capability
from qunfang.core.views import form_page, period_from, place_for, posted_form
from qunfang.lib.apps import project_apps
from qunfang.lib.pdf import pdf_response
from qunfang.lib.twins import api_twin
from qunfang.mobilization import selectors as mobilization
from qunfang.mobilization.views import daily_chart

VIEW, WRITE = Capability.VIEW_ACTIVITIES, Capability.WRITE_BRIEFINGS


@reads_from_replica
@requires(VIEW)
def dashboard(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    period, start, end = period_from(request)
    return dashboard_page(
        request,
        place,
        period,
        selectors.figures(request.scope, place, start, end),
        days=mobilization.by_day(request.scope, place, start, end),
        children=mobilization.breakdown(request.scope, place, start, end),
    )


def dashboard_page(request, place: OrgUnit, period, found, *, days: list[dict], children: list[dict]):
    """The dashboard of `found` (briefings.selectors.figures), its daily chart and its breakdown by
    child place."""
    types = list(mobilization.activity_types())
    start, end = found.start, found.end
    return render(
        request,
        "briefings/dashboard.html",
        {
            "place": place,
            "period": period,
            "start": start,
            "end": end,
            "figures": found,
            "definitions": found.definitions(),
            "chart": daily_chart(types, days, start, end),
            "types": types,
            "children": children,
            "up": place.parent if place.parent_id and request.scope.allows(VIEW, place.parent) else None,
            # Each other app's card: a template it names as `dashboard_card` on its AppConfig, drawn
            # with this page's context (its figures as figures.<app label>).
            "app_cards": [c.dashboard_card for c in project_apps() if getattr(c, "dashboard_card", None)],
        },
    )


# --- briefings -----------------------------------------------------------------------------------------


@requires(VIEW)
@api_twin("qunfang.briefings.api.draft_briefing")
def briefing_list(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    may_write = request.scope.allows(WRITE, place)
    _period, start, end = period_from(request)
    deeds = mobilization.deeds(request.scope, place, start.replace(year=start.year - 1), end)
    form = DraftForm(request.POST or None, deeds=deeds, initial={"start": start, "end": end})

    def draft(data):
        return services.draft_briefing(
            by=request.user,
            place=place,
            start=data["start"],
            end=data["end"],
            deeds=data["deeds"],
            language=data["language"],
            author=data["author"],
        )

    done = posted_form(request, form, allowed=may_write, save=draft, message="", url=_briefing_url)
    return done or render(
        request,
        "briefings/briefings.html",
        {
            "place": place,
            "briefings": selectors.briefings(request.scope, place),
            "form": form,
            "may_write": may_write,
            "from_below": selectors.submitted_from_below(request.scope, place)[:50],
        },
    )


def _briefing_url(briefing: Briefing) -> str:
    return reverse("briefings:briefing", args=[briefing.pk])


def _briefing(request, briefing_id: int, capability: Capability) -> Briefing:
    return get_for(request.scope, Briefing.objects.select_related("place"), capability, pk=briefing_id)


@requires(VIEW)
@api_twin("qunfang.briefings.api.edit_briefing")
def briefing_detail(request, briefing_id: int):
    briefing = _briefing(request, briefing_id, VIEW)
    may_write = request.scope.allows(WRITE, briefing.place)
    form = EditForm(
        request.POST or None,
        sections=briefing.sections,
        initial={"title": briefing.title, "author": briefing.author},
    )
    done = posted_form(
        request,
        form,
        allowed=may_write and not briefing.final,
        message=_("Saved."),
        url=_briefing_url(briefing),
        save=lambda data: services.edit_briefing(
            by=request.user,
            briefing=briefing,
            title=data["title"],
            author=data["author"],
            sections=form.sections(),
        ),
    )
    return done or render(
        request,
        "briefings/briefing.html",
        {
            "briefing": briefing,
            "place": briefing.place,
            "form": form,
            "may_write": may_write,
            "photos": [p for d in briefing.deeds.all() for p in d.photos.all()],
        },
    )


ACTIONS = {
    "finalize": (
        services.finalize_briefing,
        gettext_lazy("The briefing is final: its text and figures are frozen."),
    ),
    "submit": (services.submit_briefing, gettext_lazy("Sent to the level above.")),
    "publish": (services.publish_briefing, gettext_lazy("Published on the public page.")),
}


@require_POST
@requires(WRITE)
@api_twin("qunfang.briefings.api.briefing_step")
def briefing_action(request, briefing_id: int, action: str):
    briefing = _briefing(request, briefing_id, WRITE)
    if action == "redraft":
        try:
            services.redraft_briefing(by=request.user, briefing=briefing)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(_briefing_url(briefing))
    if action not in ACTIONS:
        raise Http404
    service, message = ACTIONS[action]
    try:
        service(by=request.user, briefing=briefing)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(message))
    return redirect(_briefing_url(briefing))


@requires(VIEW)
def briefing_docx(request, briefing_id: int):
    briefing = _briefing(request, briefing_id, VIEW)
    response = HttpResponse(
        documents.briefing_docx(briefing),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = content_disposition_header(True, _file_name(briefing, "docx"))
    return response


def _file_name(briefing: Briefing, extension: str) -> str:
    """What and when, as a bureau files it: 清新区疫情防控工作简报-2020-02-03.docx."""
    with translation.override(briefing.language):
        name = _("%(place)s epidemic prevention work briefing") % {"place": briefing.place.name}
    return f"{name}-{briefing.end.isoformat()}.{extension}"


@requires(VIEW)
def briefing_pdf(request, briefing_id: int):
    briefing = _briefing(request, briefing_id, VIEW)
    return pdf_response(documents.briefing_pdf(briefing, request), _file_name(briefing, "pdf"))


# --- notices -------------------------------------------------------------------------------------------


@requires(VIEW)
def notice_list(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    return render(
        request,
        "briefings/notices.html",
        {
            "place": place,
            "notices": selectors.notices(request.scope, place),
            "may_write": request.scope.allows(WRITE, place),
        },
    )


@requires(WRITE)
@api_twin("qunfang.briefings.api.save_notice")
def notice_new(request, place_id: int):
    place = place_for(request, place_id, WRITE)
    return form_page(
        request,
        NoticeForm(request.POST or None, initial={"signed": place.name}),
        title=_("Write a public notice"),
        place=place,
        save=lambda data: services.save_notice(by=request.user, place=place, **data),
        done=lambda notice: (_("Saved as a draft: publish it when it is ready."), _notice_url(notice)),
    )


def _notice_url(notice: Notice) -> str:
    return reverse("briefings:notice", args=[notice.pk])


@requires(VIEW)
def notice_detail(request, notice_id: int):
    notice = get_for(request.scope, Notice.objects.select_related("place"), VIEW, pk=notice_id)
    context = {
        "notice": notice,
        "place": notice.place,
        "may_write": request.scope.allows(WRITE, notice.place),
    }
    return render(request, "briefings/notice.html", context)


@require_POST
@requires(WRITE)
@api_twin("qunfang.briefings.api.publish_notice")
def notice_publish(request, notice_id: int):
    notice = get_for(request.scope, Notice.objects.select_related("place"), WRITE, pk=notice_id)
    services.publish_notice(by=request.user, notice=notice)
    messages.success(request, _("Published on the public page."))
    return redirect(_notice_url(notice))


# --- the public page -----------------------------------------------------------------------------------


def _qr(request, url: str) -> str:
    """A QR code of the page's own address, to open it on a phone: SVG markup in the page (the
    Content-Security-Policy lets no data: image in)."""
    return mark_safe(
        segno.make(request.build_absolute_uri(url), error="m").svg_inline(
            scale=4, title=_("QR code of this page")
        )
    )  # noqa: S308 (segno's own markup)


@public
def public_place(request, place_id: int):
    place = OrgUnit.objects.filter(pk=place_id).first()
    if place is None:
        raise Http404
    notices, briefings = selectors.published(place)
    if not notices and not briefings:
        raise Http404  # nothing published: the place's page does not exist for the public
    return render(
        request,
        "briefings/public_place.html",
        {"place": place, "notices": notices, "briefings": briefings, "qr": _qr(request, request.path)},
    )


@public
def public_notice(request, notice_id: int):
    notice = Notice.objects.filter(pk=notice_id, published_at__isnull=False).select_related("place").first()
    if notice is None:
        raise Http404
    return render(
        request, "briefings/public_notice.html", {"notice": notice, "qr": _qr(request, request.path)}
    )


@public
def public_briefing(request, briefing_id: int):
    briefing = (
        Briefing.objects.filter(pk=briefing_id, published_at__isnull=False).select_related("place").first()
    )
    if briefing is None:
        raise Http404
    return render(
        request, "briefings/public_briefing.html", {"briefing": briefing, "qr": _qr(request, request.path)}
    )
