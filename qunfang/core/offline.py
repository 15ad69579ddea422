"""Staff pages that work without a network: the installable web app's manifest, the service worker that
keeps the pages marked offline-capable (and their static files) on the phone, and a fresh CSRF token
for the outbox (core/static/core/outbox.js) to send what was saved on the phone once the network is
back. A page becomes offline-capable by its template's `{% block offline_page %}` (base.html); a form
by `data-offline-outbox` on the <form>."""

from pathlib import Path

from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from qunfang.core.access import public, signed_in

WORKER = Path(__file__).resolve().parent / "static" / "core" / "offline-sw.js"


@public
@require_GET
def worker(request):
    """The service worker, served from the site's root so that its scope covers every staff page."""
    response = HttpResponse(WORKER.read_text(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@public
@require_GET
def manifest(request):
    """The installable web app: a station's phone keeps Qunfang on its home screen and opens it at the
    home page, which the service worker keeps for when there is no network."""
    body = {
        "name": _("Qunfang"),
        "short_name": _("Qunfang"),
        "start_url": reverse("core:home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b3261e",
        "icons": [
            {"src": static(f"core/icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
            for size in (192, 512)
        ],
    }
    response = JsonResponse(
        body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-cache"
    return response


@signed_in
@require_GET
def token(request):
    """A fresh CSRF token for the signed-in user, asked for by the outbox before it sends: the token on a
    page kept for days may have changed since (a new sign-in rotates it). A signed-out phone is sent to
    the sign-in page, which the outbox reads as "sign in first"."""
    response = JsonResponse({"csrf": get_token(request), "user": request.user.pk})
    response["Cache-Control"] = "no-store"
    return response


def outbox_words() -> dict[str, str]:
    """What the outbox says, in the user's language: it says it without a network too."""
    return {
        "waiting": _("%(count)s waiting to send"),
        "nothing": _("Nothing waiting to send."),
        "refused_count": _("%(count)s not accepted: see below what you can do."),
        "kept": _("Kept on this phone: it is sent when the network returns."),
        "sending": _("Sending…"),
        "send_now": _("Send now"),
        "sent": _("%(count)s sent."),
        "sign_in": _("Sign in first: what waits stays on this phone and is sent once you have signed in."),
        "sign_in_link": _("Sign in"),
        "other_user": _("Saved by someone else on this phone: sign in as them to send it."),
        "offline": _("No network: saving goes on, and is sent later."),
        "refused": _("Not accepted"),
        "open_now": _("Open it as it stands now"),
        "edit": _("Edit and send again"),
        "discard": _("Discard mine"),
        "discard_confirm": _("Discard what you saved on this phone? It cannot be brought back."),
        "editing": _("What you saved on this phone is filled in below: check it and send again."),
        "gone": _("This page is gone, or is no longer yours to fill in."),
        "forbidden": _("You may no longer do this here."),
        "server": _("The server could not take it just now (%(status)s); it is tried again later."),
        "unknown": _("The server did not accept it (%(status)s)."),
        "left_out": _("Photos are not kept without a network: add them once you are online."),
        "saved_at": _("saved %(time)s"),
        "heading": _("Outbox"),
    }


@signed_in
@require_GET
def unavailable(request):
    """What the phone shows, without a network, for a page it did not keep (instead of the browser's
    own error page): the pages it does keep are a tap away."""
    return render(request, "core/offline_unavailable.html")


def offline_setup(request) -> dict:
    """The outbox's setup on a signed-in page (base.html)."""
    return {
        "user": request.user.pk,
        "token_url": reverse("core:offline_token"),
        "login_url": reverse("login"),
        "logout_url": reverse("logout"),
        "worker_url": reverse("core:offline_worker"),
        "fallback_url": reverse("core:offline_unavailable"),
        "words": outbox_words(),
    }
