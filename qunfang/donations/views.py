"""Donation pages: a place's overview (what is collected and not yet handed over, its drives, the latest
gifts), recording a cash gift on a phone (a double tap records once), a gift's page with its thank-you
receipt (PDF), drives with their totals by purpose and by child place (from the kept totals), donors
and their history, hand-overs with their printable sheet, stock on hand with its ledger, deliveries."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from qunfang.core.access import get_for, requires
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.core.views import add_service_errors, form_page, paginate, place_for, search_text
from qunfang.core.widgets import pick_url
from qunfang.donations import exports, selectors, services
from qunfang.donations.forms import (
    CashForm,
    CorrectCashForm,
    DeliveryForm,
    DriveForm,
    HandOverForm,
    ReceiveForm,
    TakeOutForm,
)
from qunfang.donations.models import CashDonation, Donor, Drive, HandOver, StockMove
from qunfang.lib.money import yuan_in_capitals
from qunfang.lib.pdf import pdf_response, render_pdf
from qunfang.lib.twins import api_twin
from qunfang.mobilization.models import Team


def _overview_url(place: OrgUnit) -> str:
    return reverse("donations:overview", args=[place.pk])


@requires(Capability.VIEW_DONATIONS)
def overview(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_DONATIONS)
    found = selectors.cash(request.scope, place)
    if request.GET.get("format") == "xlsx":
        return _export(place, found)
    drives = [
        {"drive": drive, "total": selectors.drive_total(place, drive)}
        for drive in selectors.drives(request.scope, place)
    ]
    return render(
        request,
        "donations/overview.html",
        {
            "place": place,
            "waiting": selectors.not_handed_over(place),
            "drives": drives,
            "rows": paginate(request, found, 30),
            "may_record": request.scope.allows(Capability.RECORD_DONATIONS, place),
        },
    )


def _export(place: OrgUnit, found):
    gifts = found.iterator(chunk_size=2000)
    return exports.CASH.response(gifts, title=place.name[:30], filename=f"{place.name}-donations.xlsx")


@requires(Capability.VIEW_DONATIONS)
def donor_pick(request, place_id: int):
    """The first donors whose name holds the typed text, for a form's donor picker (core/widgets.py)."""
    place = place_for(request, place_id, Capability.VIEW_DONATIONS)
    text = search_text(request)[:50]
    found = selectors.donors(request.scope, place, text)[:20] if text else []
    return JsonResponse([{"id": d.pk, "label": _donor_label(d)} for d in found], safe=False)


def _donor_label(donor: Donor) -> str:
    """A donor told apart from others of the same name: its kind, place and how often it gave."""
    gifts = ngettext("%(count)s gift", "%(count)s gifts", donor.gifts or 0) % {"count": donor.gifts or 0}
    return f"{donor.name} · {donor.get_kind_display()} · {donor.place.name} · {gifts}"


@requires(Capability.RECORD_DONATIONS)
@api_twin("qunfang.donations.api.record_cash")
def cash_new(request, place_id: int):
    place = place_for(request, place_id, Capability.RECORD_DONATIONS)
    form = CashForm(
        request.POST or None,
        donors=selectors.donors(request.scope, place),
        drives=selectors.drives(request.scope, place),
        initial={"day": timezone.localdate(), "submission": uuid.uuid4().hex},
    )
    pick_url(form.fields["donor"], reverse("donations:donor_pick", args=[place.pk]))

    def save(data):
        new_donor = {"name": data["donor_name"], "kind": data["donor_kind"], "phone": data["donor_phone"]}
        return services.record_cash(
            by=request.user, place=place, donor=data["donor"], new_donor=new_donor, day=data["day"],
            amount=data["amount"],
            drive=data["drive"], designations=form.designations(), receipt_number=data["receipt_number"],
            note=data["note"], submission=data["submission"],
        )  # fmt: skip

    return form_page(
        request,
        form,
        title=_("Record a donation"),
        place=place,
        save=save,
        done=lambda gift: (
            _("Donation of %(amount)s yuan recorded: receipt %(number)s.")
            % {"amount": gift.amount, "number": gift.receipt_number},
            _cash_url(gift),
        ),
    )


def _cash_url(gift: CashDonation) -> str:
    return reverse("donations:cash", args=[gift.pk])


def _cash(request, donation_id: int, capability: Capability) -> CashDonation:
    return get_for(
        request.scope,
        CashDonation.objects.select_related("donor", "drive", "place", "hand_over", "received_by"),
        capability,
        pk=donation_id,
    )


@requires(Capability.VIEW_DONATIONS)
@api_twin("qunfang.donations.api.correct_cash")
def cash_detail(request, donation_id: int):
    gift = _cash(request, donation_id, Capability.VIEW_DONATIONS)
    may_correct = request.scope.allows(Capability.RECORD_DONATIONS, gift.place) and not gift.hand_over_id
    parts = list(gift.designations.all())
    initial = {"amount": gift.amount}
    for n, part in enumerate(parts):
        initial.update({f"purpose_{n}": part.purpose, f"part_{n}": part.amount if part.purpose else ""})
    choices = [
        *(gift.drive.designation_choices if gift.drive else []),
        *(p.purpose for p in parts if p.purpose),
    ]
    form = CorrectCashForm(request.POST or None, initial=initial, choices=list(dict.fromkeys(choices)))
    if request.method == "POST":
        if not may_correct:
            messages.error(request, _("This donation was handed over: it cannot be changed any more."))
            return redirect(_cash_url(gift))
        if form.is_valid():
            try:
                services.correct_cash(
                    by=request.user,
                    donation=gift,
                    amount=form.cleaned_data["amount"],
                    designations=form.designations(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Donation corrected."))
                return redirect(_cash_url(gift))
    return render(
        request,
        "donations/cash.html",
        {"gift": gift, "parts": parts, "place": gift.place, "form": form, "may_correct": may_correct},
    )


@requires(Capability.VIEW_DONATIONS)
def receipt_pdf(request, donation_id: int):
    """The thank-you receipt for the donor, with the designations and the receiving place."""
    gift = _cash(request, donation_id, Capability.VIEW_DONATIONS)
    context = {
        "gift": gift,
        "parts": list(gift.designations.all()),
        "in_capitals": yuan_in_capitals(gift.amount_fen),
    }
    return pdf_response(
        render_pdf("donations/receipt_pdf.html", context, request), f"收据-{gift.receipt_number}.pdf"
    )


@requires(Capability.RECORD_DONATIONS)
@api_twin("qunfang.donations.api.start_drive")
def drive_new(request, place_id: int):
    place = place_for(request, place_id, Capability.RECORD_DONATIONS)
    return form_page(
        request,
        DriveForm(request.POST or None, initial={"start": timezone.localdate()}),
        title=_("Start a donation drive"),
        place=place,
        save=lambda data: services.save_drive(by=request.user, place=place, **data),
        done=lambda drive: (_("Drive %(name)s started.") % {"name": drive.name}, _drive_url(drive, place)),
    )


def _drive_url(drive: Drive, place: OrgUnit) -> str:
    return f"{reverse('donations:drive', args=[drive.pk])}?place={place.pk}"


@requires(Capability.VIEW_DONATIONS)
def drive_detail(request, drive_id: int):
    """A drive's totals for a place the user sees (the drive's own place unless ?place= names one below):
    by purpose and by child place, each child opening its own breakdown."""
    if request.GET.get("place", "").isdigit():
        # A village collects for the district's drive: it sees the drive from its own place.
        place = place_for(request, int(request.GET["place"]), Capability.VIEW_DONATIONS)
        drive = selectors.drives(request.scope, place).filter(pk=drive_id).select_related("place").first()
        if drive is None:
            raise Http404
    else:
        drive = get_for(
            request.scope, Drive.objects.select_related("place"), Capability.VIEW_DONATIONS, pk=drive_id
        )
        place = drive.place
    return render(
        request,
        "donations/drive.html",
        {
            "drive": drive,
            "place": place,
            "total": selectors.drive_total(place, drive),
            "by_purpose": selectors.totals_by_purpose(place, drive),
            "by_child": selectors.totals_by_child(place, drive),
            # one level up only where the reader sees it (a village clerk does not see her town)
            "up": bool(place.parent_id) and request.scope.allows(Capability.VIEW_DONATIONS, place.parent),
        },
    )


@requires(Capability.VIEW_DONATIONS)
def donor_list(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_DONATIONS)
    query = search_text(request)
    return render(
        request,
        "donations/donors.html",
        {
            "place": place,
            "rows": paginate(request, selectors.donors(request.scope, place, query)),
            "q": query,
        },
    )


@requires(Capability.VIEW_DONATIONS)
def donor_detail(request, donor_id: int):
    donor = get_for(
        request.scope,
        Donor.objects.select_related("place", "veteran"),
        Capability.VIEW_DONATIONS,
        pk=donor_id,
    )
    return render(
        request,
        "donations/donor.html",
        {
            "donor": donor,
            "place": donor.place,
            "cash": donor.cash.select_related("drive", "place").order_by("-day"),
            "goods": donor.goods.select_related("item", "place").order_by("-day"),
            "total": selectors.cash_sum(donor.cash.all()),
        },
    )


@requires(Capability.VIEW_DONATIONS)
@api_twin("qunfang.donations.api.hand_over")
def handover_list(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_DONATIONS)
    may_record = request.scope.allows(Capability.RECORD_DONATIONS, place)
    waiting = (
        CashDonation.objects.filter(place=place, hand_over=None).select_related("donor").order_by("day", "pk")
    )
    form = HandOverForm(request.POST or None, waiting=waiting, initial={"day": timezone.localdate()})
    if request.method == "POST" and may_record and form.is_valid():
        try:
            sheet = services.hand_over(by=request.user, place=place, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Handed over: %(total)s yuan.") % {"total": sheet.total})
            return redirect(reverse("donations:handover", args=[sheet.pk]))
    return render(
        request,
        "donations/handovers.html",
        {
            "place": place,
            "rows": selectors.hand_overs(request.scope, place),
            "waiting": selectors.not_handed_over(place),
            "form": form,
            "may_record": may_record,
        },
    )


def _sheet(request, handover_id: int) -> HandOver:
    return get_for(
        request.scope,
        HandOver.objects.select_related("place", "by"),
        Capability.VIEW_DONATIONS,
        pk=handover_id,
    )


@requires(Capability.VIEW_DONATIONS)
def handover_detail(request, handover_id: int):
    sheet = _sheet(request, handover_id)
    return render(
        request,
        "donations/handover.html",
        {
            "sheet": sheet,
            "place": sheet.place,
            "donations": sheet.donations.select_related("donor").order_by("pk"),
        },
    )


@requires(Capability.VIEW_DONATIONS)
def handover_pdf(request, handover_id: int):
    sheet = _sheet(request, handover_id)
    context = {"sheet": sheet, "donations": sheet.donations.select_related("donor").order_by("pk")}
    data = render_pdf("donations/handover_pdf.html", context, request)
    return pdf_response(data, f"移交清单-{sheet.recipient}-{sheet.day}.pdf")


@requires(Capability.VIEW_DONATIONS)
@api_twin(
    "qunfang.donations.api.receive_goods", "qunfang.donations.api.take_out", "qunfang.donations.api.deliver"
)
def stock(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_DONATIONS)
    may_record = request.scope.allows(Capability.RECORD_DONATIONS, place)
    levels = selectors.stock(request.scope, place)
    today = {"day": timezone.localdate()}
    posted = request.POST if request.method == "POST" and may_record else None
    receive = ReceiveForm(posted if posted and "receive" in posted else None,
                          donors=selectors.donors(request.scope, place), initial=today)  # fmt: skip
    pick_url(receive.fields["donor"], reverse("donations:donor_pick", args=[place.pk]))
    take_out = TakeOutForm(posted if posted and "take_out" in posted else None,
                           levels=levels.filter(on_hand__gt=0), initial=today)  # fmt: skip
    deliver = DeliveryForm(
        posted if posted and "deliver" in posted else None, levels=levels.filter(on_hand__gt=0),
        places=OrgUnit.objects.under(place).exclude(pk=place.pk).order_by("path"),
        teams=Team.objects.visible_to(request.scope, Capability.VIEW_ACTIVITIES).under(place),
        initial=today,
    )  # fmt: skip
    pick_url(deliver.fields["to_place"], reverse("core:place_pick_below", args=[place.pk]))
    for form in (receive, take_out, deliver):
        if form.is_bound and form.is_valid():
            try:
                _stock_write(request, place, form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(reverse("donations:stock", args=[place.pk]))
    return render(
        request,
        "donations/stock.html",
        {
            "place": place,
            "levels": levels,
            "moves": paginate(request, selectors.moves(request.scope, place), 30),
            "deliveries": selectors.deliveries(request.scope, place)[:20],
            "receive": receive,
            "take_out": take_out,
            "deliver": deliver,
            "may_record": may_record,
        },
    )


def _stock_write(request, place: OrgUnit, form):
    data = form.cleaned_data
    if isinstance(form, ReceiveForm):
        item = (data["item"], data["unit"])
        return services.receive_goods(by=request.user, place=place, item=item, quantity=data["quantity"],
                                      day=data["day"], donor=data["donor"], note=data["note"])  # fmt: skip
    if isinstance(form, TakeOutForm):
        return services.take_out(
            by=request.user, place=place, item=data["level"].item, quantity=data["quantity"],
            kind=data["kind"], day=data["day"], note=data["note"],
        )  # fmt: skip
    return services.deliver(
        by=request.user, place=place, lines=[(data["level"].item, data["quantity"])], day=data["day"],
        delivered_by=data["delivered_by"], received_by=data["received_by"], to_place=data["to_place"],
        to_team=data["to_team"], to_person=data["to_person"], note=data["note"],
    )  # fmt: skip


@require_POST
@requires(Capability.RECORD_DONATIONS)
@api_twin("qunfang.donations.api.correct_move")
def move_correct(request, move_id: int):
    move = get_for(
        request.scope,
        StockMove.objects.select_related("place", "item"),
        Capability.RECORD_DONATIONS,
        pk=move_id,
    )
    try:
        services.correct_move(by=request.user, move=move, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The line is reversed by a correction."))
    return redirect(reverse("donations:stock", args=[move.place_id]))
