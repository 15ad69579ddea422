"""A community's merchants: the register with the lists still to visit or still without the notice,
a merchant's page (visits, the notice letter handed over, the staff and their daily checks), and the
printable notice letter and staff registration book."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.community import exports
from qunfang.community.forms.merchants import HealthCheckForm, MerchantForm, NoticeForm, StaffForm, VisitForm
from qunfang.community.models import Merchant, MerchantStaff
from qunfang.community.selectors import merchants as selectors
from qunfang.community.services import merchants as services
from qunfang.core.access import get_for, requires
from qunfang.core.models import Level, OrgUnit
from qunfang.core.roles import Capability
from qunfang.core.views import add_service_errors, form_page, paginate, place_for, search_text
from qunfang.lib.pdf import pdf_response, render_pdf
from qunfang.lib.twins import api_twin

BOOK_DAYS = 14  # a page of the staff registration book: two weeks of daily checks


@requires(Capability.VIEW_COMMUNITY)
def merchant_list(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_COMMUNITY)
    which = request.GET.get("which", "")
    which = which if which in selectors.LISTS else ""
    query = search_text(request)
    found = selectors.merchants(request.scope, place, which, query)
    if request.GET.get("format") == "xlsx":
        return _export(place, found)
    return render(
        request,
        "community/merchants.html",
        {
            "place": place,
            "counts": selectors.counts(request.scope, place),
            "rows": paginate(request, found),
            "which": which,
            "q": query,
            "page_query": f"which={which}&q={query}",
            "may_manage": request.scope.allows(Capability.MANAGE_COMMUNITY, place),
        },
    )


def _export(place, found):
    return exports.MERCHANTS.response(found, title=place.name[:30], filename=f"{place.name}-merchants.xlsx")


@requires(Capability.MANAGE_COMMUNITY)
@api_twin("qunfang.community.api.merchants.add_merchant")
def merchant_new(request, place_id: int):
    place = place_for(request, place_id, Capability.MANAGE_COMMUNITY)
    grids = OrgUnit.objects.filter(parent=place, level=Level.GRID).order_by("sort_name")
    return form_page(
        request,
        MerchantForm(request.POST or None, grids=grids),
        title=_("Add a merchant"),
        place=place,
        save=lambda data: services.save_merchant(by=request.user, community=place, **data),
        done=lambda merchant: (
            _("Merchant %(name)s added.") % {"name": merchant.name},
            _merchant_url(merchant),
        ),
    )


def _merchant_url(merchant: Merchant) -> str:
    return reverse("community:merchant", args=[merchant.pk])


def _merchant(request, merchant_id: int, capability: Capability) -> Merchant:
    return get_for(request.scope, Merchant.objects.select_related("community"), capability, pk=merchant_id)


@requires(Capability.VIEW_COMMUNITY)
@api_twin(
    "qunfang.community.api.merchants.record_visit",
    "qunfang.community.api.merchants.deliver_notice",
    "qunfang.community.api.merchants.record_health_check",
    "qunfang.community.api.merchants.add_merchant_staff",
)
def merchant_detail(request, merchant_id: int):
    merchant = _merchant(request, merchant_id, Capability.VIEW_COMMUNITY)
    may_manage = request.scope.allows(Capability.MANAGE_COMMUNITY, merchant.place)
    today = timezone.localdate()
    posted = request.POST if request.method == "POST" and may_manage else None
    forms = {
        "visit": VisitForm(posted if posted and "visit" in posted else None, initial={"day": today}),
        "notice": NoticeForm(posted if posted and "notice_it" in posted else None, initial={"day": today}),
        "staff": StaffForm(posted if posted and "add_staff" in posted else None),
        "check": HealthCheckForm(posted if posted and "check" in posted else None, initial={"day": today}),
    }
    for name, form in forms.items():
        if form.is_bound and form.is_valid():
            try:
                _save(request, merchant, name, form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Saved."))
                return redirect(_merchant_url(merchant))
    days = [today - timedelta(days=n) for n in range(6, -1, -1)]
    return render(
        request,
        "community/merchant.html",
        {
            "merchant": merchant,
            "place": merchant.place,
            "visits": merchant.visits.select_related("visited_by")[:20],
            "notices": merchant.notices.all(),
            "days": days,
            "staff": selectors.staff_with_checks(merchant, days),
            "forms": forms,
            "may_manage": may_manage,
        },
    )


def _save(request, merchant: Merchant, name: str, data: dict):
    if name == "visit":
        return services.record_visit(by=request.user, merchant=merchant, **data)
    if name == "notice":
        return services.deliver_notice(by=request.user, merchant=merchant, **data)
    if name == "staff":
        return services.add_staff(by=request.user, merchant=merchant, **data)
    chosen = request.POST.get("staff", "")
    staff = MerchantStaff.objects.filter(pk=chosen, merchant=merchant).first() if chosen.isdigit() else None
    if staff is None:
        raise ValidationError(_("Choose one of this merchant's staff."))
    return services.record_health_check(by=request.user, staff=staff, **data)


@requires(Capability.VIEW_COMMUNITY)
def notice_pdf(request, merchant_id: int):
    """The notice letter, addressed to the merchant, to print and hand over with the staff book."""
    merchant = _merchant(request, merchant_id, Capability.VIEW_COMMUNITY)
    context = {"merchant": merchant, "today": timezone.localdate()}
    return pdf_response(
        render_pdf("community/notice_letter.html", context, request), f"告知书-{merchant.name}.pdf"
    )


@requires(Capability.VIEW_COMMUNITY)
def staff_book_pdf(request, merchant_id: int):
    """The staff registration book: each person, and a column per day for the temperature and
    symptoms, filled in with the checks recorded so far."""
    merchant = _merchant(request, merchant_id, Capability.VIEW_COMMUNITY)
    today = timezone.localdate()
    days = [today + timedelta(days=n) for n in range(-3, BOOK_DAYS - 3)]
    rows = selectors.staff_with_checks(merchant, days)
    blank = max(0, 12 - len(rows))  # empty lines for staff added by hand
    context = {"merchant": merchant, "days": days, "rows": rows, "blank": range(blank)}
    data = render_pdf("community/staff_book.html", context, request)
    return pdf_response(data, f"员工登记册-{merchant.name}.pdf")
