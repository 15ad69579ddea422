"""Need pages, phone first: a place's needs with a bar per line (delivered, promised, still missing),
posting a need, a need's page (its lines, commitments and deliveries) with committing, recording a
delivery, withdrawing a promise and closing; and the public pages (open needs of a place and below,
one need) with a QR code to share them, two queries each and nothing private."""

import segno
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qunfang.core.access import get_for, public, requires
from qunfang.core.models import OrgUnit
from qunfang.core.views import form_page, place_for
from qunfang.donations.selectors import drives
from qunfang.lib.twins import api_twin
from qunfang.needs import selectors, services
from qunfang.needs.forms import CommitForm, DeliveryForm, NeedForm
from qunfang.needs.models import Commitment, Need, NeedStatus
from qunfang.needs.selectors import RECORD, VIEW


def _need_url(need: Need) -> str:
    return reverse("needs:need", args=[need.pk])


@requires(VIEW)
def need_list(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    return render(
        request,
        "needs/list.html",
        {
            "place": place,
            "needs": selectors.need_list(request.scope, place),
            "public_key": selectors.share_key("place", place.pk),
            "may_record": request.scope.allows(RECORD, place),
        },
    )


@requires(RECORD)
@api_twin("qunfang.needs.api.post_need")
def need_new(request, place_id: int):
    place = place_for(request, place_id, RECORD)
    form = NeedForm(request.POST or None)

    def save(data):
        return services.post_need(
            by=request.user,
            place=place,
            title=data["title"],
            why=data["why"],
            by_date=data["by_date"],
            lines=form.lines(),
        )

    return form_page(
        request,
        form,
        title=_("Post a need"),
        place=place,
        save=save,
        done=lambda need: (_("Need posted: %(title)s.") % {"title": need.title}, _need_url(need)),
    )


def _need(request, need_id: int, capability) -> Need:
    return get_for(
        request.scope,
        Need.objects.select_related("place").prefetch_related(selectors.LINES),
        capability,
        pk=need_id,
    )


@requires(VIEW)
def need_detail(request, need_id: int):
    need = _need(request, need_id, VIEW)
    return render(
        request,
        "needs/need.html",
        {
            "need": need,
            "place": need.place,
            "commitments": selectors.commitments(need),
            "public_key": selectors.share_key("need", need.pk),
            "fulfilments": selectors.fulfilments(need),
            "may_record": request.scope.allows(RECORD, need.place) and need.status == NeedStatus.OPEN,
        },
    )


@requires(RECORD)
@api_twin("qunfang.needs.api.commit")
def commit(request, need_id: int):
    need = _need(request, need_id, RECORD)
    form = CommitForm(
        request.POST or None,
        lines=need.lines.select_related("item").order_by("pk"),
        drives=drives(request.scope, need.place),
    )

    def save(data):
        return services.commit(
            by=request.user,
            line=data["line"],
            donor_name=data["donor_name"],
            quantity=data["quantity"],
            named_publicly=data["named_publicly"],
            drive=data["drive"],
        )

    return form_page(
        request,
        form,
        title=_("Commit to: %(title)s") % {"title": need.title},
        place=need.place,
        save=save,
        done=lambda c: (_("Commitment of %(donor)s recorded.") % {"donor": c.donor_name}, _need_url(need)),
    )


def _stock_places(request, place: OrgUnit) -> list[OrgUnit]:
    """The places above the need's whose stock the user may deliver from (the donations' deliveries)."""
    above = OrgUnit.objects.filter(pk__in=place.ancestor_ids).order_by("path")
    return [p for p in above if request.scope.allows(RECORD, p)]


@requires(RECORD)
@api_twin("qunfang.needs.api.record_delivery")
def deliver(request, need_id: int):
    need = _need(request, need_id, RECORD)
    places = _stock_places(request, need.place)
    promises = [c.pk for c in selectors.commitments(need) if c.owed]
    form = DeliveryForm(
        request.POST or None,
        lines=[line for line in need.lines.all() if line.missing],
        promises=Commitment.objects.filter(pk__in=promises).select_related("line__item"),
        places=places,
        initial={"day": timezone.localdate()},
    )

    def save(data):
        source = next((p for p in places if str(p.pk) == data["from_place"]), None)
        return services.record_delivery(
            by=request.user,
            need=need,
            lines=form.quantities(),
            day=data["day"],
            commitment=data["commitment"],
            delivered_by=data["delivered_by"],
            received_by=data["received_by"],
            from_place=source,
        )

    return form_page(
        request,
        form,
        title=_("Record a delivery: %(title)s") % {"title": need.title},
        place=need.place,
        save=save,
        done=lambda _made: (_("Delivery recorded."), _need_url(need)),
    )


@require_POST
@requires(RECORD)
@api_twin("qunfang.needs.api.withdraw")
def withdraw(request, commitment_id: int):
    promise = get_for(
        request.scope, Commitment.objects.select_related("line__need"), RECORD, pk=commitment_id
    )
    try:
        services.withdraw(by=request.user, commitment=promise)
    except services.ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Commitment withdrawn."))
    return redirect(_need_url(promise.line.need))


@require_POST
@requires(RECORD)
@api_twin("qunfang.needs.api.close_need")
def close(request, need_id: int):
    need = _need(request, need_id, RECORD)
    try:
        services.close_need(by=request.user, need=need)
    except services.ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Need closed."))
    return redirect(_need_url(need))


# --- the public pages ----------------------------------------------------------------------------------


def _qr(request, url: str) -> str:
    """The page's own address as a QR code, SVG in the page (the Content-Security-Policy lets no data:
    image in)."""
    return mark_safe(  # noqa: S308 (segno's own markup)
        segno.make(request.build_absolute_uri(url), error="m").svg_inline(
            scale=4, title=_("QR code of this page")
        )
    )


@public
def public_place(request, share_key: str):
    place = OrgUnit.objects.filter(pk=selectors.shared_id("place", share_key)).first()
    if place is None:
        raise Http404
    found = selectors.public_needs(place)
    for need in found:
        need.share = selectors.share_key("need", need.pk)
    return render(
        request, "needs/public_place.html", {"place": place, "needs": found, "qr": _qr(request, request.path)}
    )


@public
def public_need(request, share_key: str):
    need = selectors.public_need(selectors.shared_id("need", share_key))
    if need is None:
        raise Http404
    context = {"need": need, "place_key": selectors.share_key("place", need.place_id)}
    return render(request, "needs/public_need.html", {**context, "qr": _qr(request, request.path)})
