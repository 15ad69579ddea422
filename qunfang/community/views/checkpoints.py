"""The checkpoints' pages: a community's gates with today's crossings, a gate's shifts and records, the
passes (issued from a household's page, shown with their QR code, revoked, printed on A6), and the
guard's page, which checks passes and records crossings on a phone without a network."""

from pathlib import Path

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.community.forms.checkpoints import GateForm, PassForm, RevokeForm, ShiftForm
from qunfang.community.models import Gate, Household, Pass, Resident
from qunfang.community.selectors import checkpoints as selectors
from qunfang.community.selectors.screening import GUARD_ROLES, possible_callers
from qunfang.community.services import checkpoints as services
from qunfang.core.access import get_for, public, requires
from qunfang.core.models import Level
from qunfang.core.roles import Capability
from qunfang.core.views import add_service_errors, form_page, paginate, place_for, search_text
from qunfang.lib.pdf import pdf_response, render_pdf
from qunfang.lib.temperature import FEVER
from qunfang.lib.twins import api_twin


def _community(request, place_id: int, capability: Capability):
    place = place_for(request, place_id, capability)
    return place if place.level == Level.VILLAGE else None, place


@requires(Capability.VIEW_COMMUNITY)
def gates(request, place_id: int):
    community, place = _community(request, place_id, Capability.VIEW_COMMUNITY)
    if community is None:
        return render(request, "community/not_a_register.html", {"place": place})
    return render(
        request,
        "community/gates.html",
        {
            "place": place,
            "gates": selectors.gates(request.scope, place),
            "fevers": selectors.fevers(request.scope, place)[:50],
            "may_manage": request.scope.allows(Capability.MANAGE_COMMUNITY, place),
            "may_guard": request.scope.allows(Capability.GUARD_GATES, place),
        },
    )


@requires(Capability.MANAGE_COMMUNITY)
@api_twin("qunfang.community.api.checkpoints.add_gate")
def gate_new(request, place_id: int):
    place = place_for(request, place_id, Capability.MANAGE_COMMUNITY)
    return form_page(
        request,
        GateForm(request.POST or None),
        title=_("Add a gate"),
        place=place,
        save=lambda data: services.save_gate(by=request.user, community=place, **data),
        done=lambda gate: (_("Gate %(name)s added.") % {"name": gate.name}, _gate_url(gate)),
    )


def _gate_url(gate: Gate) -> str:
    return reverse("community:gate", args=[gate.pk])


def _gate(request, gate_id: int, capability: Capability) -> Gate:
    return get_for(request.scope, Gate.objects.select_related("community"), capability, pk=gate_id)


@requires(Capability.VIEW_COMMUNITY)
def gate(request, gate_id: int):
    found = _gate(request, gate_id, Capability.VIEW_COMMUNITY)
    return render(
        request,
        "community/gate.html",
        {
            "gate": found,
            "shifts": selectors.shifts(found),
            "crossings": paginate(request, selectors.crossings(request.scope, found.community, found)),
            "may_manage": request.scope.allows(Capability.MANAGE_COMMUNITY, found.place),
            "may_guard": request.scope.allows(Capability.GUARD_GATES, found.place),
        },
    )


@requires(Capability.MANAGE_COMMUNITY)
@api_twin("qunfang.community.api.checkpoints.add_shift")
def shift_new(request, gate_id: int):
    found = _gate(request, gate_id, Capability.MANAGE_COMMUNITY)
    form = ShiftForm(request.POST or None, guards=possible_callers(found.community, GUARD_ROLES))
    return form_page(
        request,
        form,
        title=_("A guard's shift at %(gate)s") % {"gate": found.name},
        place=found.community,
        save=lambda data: services.add_shift(by=request.user, gate=found, **data),
        done=lambda _shift: (_("Shift added."), _gate_url(found)),
    )


@requires(Capability.GUARD_GATES)
def my_gates(request):
    """Where a guard starts: the gates they may guard."""
    return render(request, "community/my_gates.html", {"gates": selectors.guard_gates(request.scope)})


def _guard_messages() -> dict[str, str]:
    # The guard's page says these without a network: they go with the page, in the user's language.
    return {
        "forged": _("Forged or damaged pass: not signed by a community here."),
        "other_community": _("This pass is another community's."),
        "not_yet": _("Not valid yet: from %(day)s."),
        "expired": _("Expired on %(day)s."),
        "revoked": _("Revoked pass."),
        "already_out": _("Already out since %(time)s: not recorded again."),
        "too_soon": _("This household went out on %(last)s; next exit from %(next)s."),
        "valid": _("Valid: %(holder)s"),
        "refused": _("Refused"),
        "allowed_out": _("Out: let through"),
        "allowed_in": _("In: let through"),
        "quarantined": _("Home quarantine in this household (%(names)s): nobody goes out."),
        "need_temperature": _("Take the temperature first, then check the pass."),
        "fever_headline": _("Fever: %(value)s °C"),
        "fever_out": _(
            "Not let out. Take the temperature again in a few minutes; if it is still high, "
            "call the community's health point."
        ),
        "fever_in": _("Let in and recorded: send to the community's health point and tell the station."),
        "bad_temperature": _("A temperature of %(value)s °C cannot be right."),
        "no_list": _("This phone has no list of passes yet: open the page once with a network."),
        "no_code": _("No QR code found in the picture."),
        "no_camera": _("The camera could not be opened: use a photo or type the code."),
        "pending": _("%(count)s not yet sent"),
        "online": _("Online"),
        "offline": _("Offline: checks and records go on"),
        "list_time": _("List of %(time)s"),
        "skew": _("This phone's clock is %(minutes)s minutes off: the server's time is used."),
        "synced": _("sent"),
        "not_synced": _("waiting to be sent"),
        "out": _("Out"),
        "in": _("In"),
    }


@requires(Capability.GUARD_GATES)
def guard(request, gate_id: int):
    found = _gate(request, gate_id, Capability.GUARD_GATES)
    services.current_key(found.community)  # a community's first pass page may come after its first guard
    scripts = ["community/guard.js", "community/pass-check.js", "community/guard.css", "core/qunfang.css",
               "vendor/jsqr-1.4.0/jsQR.min.js", "vendor/noble-ed25519-3.2.0/index.min.js"]  # fmt: skip
    # The names the page and its modules load: hashed, as the storage rewrites the modules' imports too.
    assets = sorted(static(name) for name in scripts)
    setup = {
        "gate": found.pk,
        "bundle": selectors.guard_bundle(found),
        "bundle_url": reverse("api:guard_bundle", args=[found.pk]),
        "sync_url": reverse("api:sync_crossings", args=[found.pk]),
        "worker_url": reverse("community:guard_worker"),
        "worker_scope": reverse("community:my_gates"),
        "assets": assets,
        "csrf": get_token(request),
        "time_zone": settings.TIME_ZONE,
        "fever": float(FEVER),
        "messages": _guard_messages(),
    }
    return render(request, "community/guard.html", {"gate": found, "setup": setup})


WORKER = Path(__file__).resolve().parent.parent / "static" / "community" / "guard-sw.js"


@public
def guard_worker(request):
    """The guard page's service worker, served from /gates/ so that its scope covers the guard pages."""
    response = HttpResponse(WORKER.read_text(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


# --- passes ---------------------------------------------------------------------------------------------


@requires(Capability.VIEW_COMMUNITY)
def passes(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_COMMUNITY)
    query = search_text(request)
    return render(
        request,
        "community/passes.html",
        {
            "place": place,
            "passes": paginate(request, selectors.passes(request.scope, place, query)),
            "q": query,
            "page_query": f"q={query}" if query else "",
            "today": timezone.localdate(),
        },
    )


@requires(Capability.MANAGE_COMMUNITY)
@api_twin("qunfang.community.api.checkpoints.issue_pass")
def pass_new(request, household_id: int):
    household = get_for(
        request.scope, Household.objects.select_related("building__community"), Capability.MANAGE_COMMUNITY,
        pk=household_id,
    )  # fmt: skip
    today = timezone.localdate()
    form = PassForm(
        request.POST or None,
        residents=Resident.objects.filter(household=household).exclude(status="moved_out"),
        initial={
            "valid_from": today,
            "valid_until": today + timezone.timedelta(days=14),
            "exit_every_days": 2,
        },
    )
    return form_page(
        request,
        form,
        title=_("A pass for %(household)s") % {"household": household},
        place=household.place,
        save=lambda data: services.issue_pass(by=request.user, household=household, **data),
        done=lambda issued: (_("Pass %(number)s issued.") % {"number": issued}, _pass_url(issued)),
    )


def _pass_url(issued: Pass) -> str:
    return reverse("community:pass", args=[issued.pk])


def _pass(request, pass_id: int, capability: Capability) -> Pass:
    return get_for(
        request.scope,
        Pass.objects.select_related("household__building", "resident", "community"),
        capability,
        pk=pass_id,
    )


def _qr(issued: Pass, scale: int = 4) -> str:
    return segno.make(services.token_for(issued), error="m").svg_data_uri(scale=scale, border=2)


@requires(Capability.VIEW_COMMUNITY)
@api_twin("qunfang.community.api.checkpoints.revoke_pass")
def pass_detail(request, pass_id: int):
    issued = _pass(request, pass_id, Capability.VIEW_COMMUNITY)
    may_manage = request.scope.allows(Capability.MANAGE_COMMUNITY, issued.place)
    form = RevokeForm(request.POST or None)
    if request.method == "POST":
        if not may_manage:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                services.revoke_pass(by=request.user, issued=issued, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Pass %(number)s revoked.") % {"number": issued})
                return redirect(_pass_url(issued))
    return render(
        request,
        "community/pass.html",
        {
            "issued": issued,
            "holder": services.holder(issued),
            "qr": _qr(issued),
            "crossings": issued.crossings.select_related("gate").order_by("-at")[:30],
            "form": form,
            "may_manage": may_manage,
        },
    )


@requires(Capability.VIEW_COMMUNITY)
def pass_pdf(request, pass_id: int):
    issued = _pass(request, pass_id, Capability.VIEW_COMMUNITY)
    return _passes_pdf(request, [issued], f"出入证-{issued.number:05d}.pdf")


@requires(Capability.VIEW_COMMUNITY)
def passes_pdf(request, place_id: int):
    """Every pass of the place still valid and not revoked, one A6 page each, to print in one go."""
    place = place_for(request, place_id, Capability.VIEW_COMMUNITY)
    valid = selectors.passes(request.scope, place, search_text(request)).filter(
        revoked_at=None, valid_until__gte=timezone.localdate()
    )
    return _passes_pdf(request, list(valid.order_by("number")[:500]), f"出入证-{place.name}.pdf")


def _passes_pdf(request, issued: list[Pass], filename: str):
    cards = [{"issued": p, "holder": services.holder(p), "qr": _qr(p, scale=6)} for p in issued]
    data = render_pdf("community/passes_a6.html", {"cards": cards}, request)
    return pdf_response(data, filename)
