"""Per-request set-up: the session renewed now and then, the user's scope and the origin that audit
entries record."""

import ipaddress
import sys
import time

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from qunfang.core.access import Scope
from qunfang.core.audit import Origin, current_origin
from qunfang.core.roles import Role


def client_address(request) -> str | None:
    """The address the request came from: behind QUNFANG_PROXY_COUNT proxies (the load balancer: 1),
    the one the outermost of them saw, which it appended to X-Forwarded-For; the entries left of it are
    the client's own to write, and not believed. Throttles, the lock-out and the audit log use it."""
    direct = request.META.get("REMOTE_ADDR") or None
    if not settings.PROXY_COUNT:
        return direct
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < settings.PROXY_COUNT:
        return direct
    try:
        return str(ipaddress.ip_address(forwarded[-settings.PROXY_COUNT]))
    except ValueError:
        return direct


# How often a session in use is written again to push its expiry on. Saving it on every request
# (SESSION_SAVE_EVERY_REQUEST) cost each page and API read a write transaction and its disk flush; this way
# a session ends between SESSION_COOKIE_AGE and that less this many seconds after the last request.
SESSION_RENEWAL_SECONDS = 300
RENEWED_KEY = "_renewed"


class RenewingSessionMiddleware(SessionMiddleware):
    """Django's session middleware, renewing a session that was used at most every few minutes."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.is_empty():
            now = int(time.time())
            if now - session.get(RENEWED_KEY, 0) >= SESSION_RENEWAL_SECONDS:
                session[RENEWED_KEY] = now  # modified: saved below, with a new expiry and cookie
        return super().process_response(request, response)


class ScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: Scope.for_user(request.user))
        token = current_origin.set(Origin(client_address(request), "web"))
        try:
            return self.get_response(request)
        finally:
            current_origin.reset(token)


class LanguageMiddleware(LocaleMiddleware):
    """Pages speak Chinese unless the person chose English with the switch (a cookie). The browser's
    own language list is ignored there: phones set to English still belong to Chinese bureaus. API
    clients choose with Accept-Language, as programs do."""

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response = super().process_response(request, response)
        # The thread goes back to the default language: what runs on it next outside a request (a task,
        # a test's service call) must not speak the last person's choice.
        translation.deactivate()
        return response


# What a signed-in user who still owes the second factor may reach.
SECOND_FACTOR_OPEN_PATHS = ("/account/two-factor/", "/accounts/logout/", "/i18n/", "/static/", "/healthz")


def needs_second_factor(user, scope: Scope | None = None) -> bool:
    """Bureau admins and the platform operator sign in with a TOTP code as well as a password."""
    if not user.is_authenticated:
        return False
    grants = (scope or Scope.for_user(user)).grants
    return user.is_superuser or any(grant.role == Role.BUREAU_ADMIN for grant in grants)


def owes_second_factor(request) -> bool:
    # The request's scope is read anyway by the page, so this costs no query of its own.
    scope = getattr(request, "scope", None)
    return needs_second_factor(request.user, scope) and not request.user.is_verified()


class SecondFactorMiddleware:
    """Sends a user who owes the second factor to the two-factor page, whatever page they asked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not request.path.startswith(SECOND_FACTOR_OPEN_PATHS)
            and not request.path.startswith("/api/")  # the API answers 401 itself
            and owes_second_factor(request)
        ):
            return redirect_to_login(request.get_full_path(), reverse("core:two_factor"), "next")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """While the database restarts or the network to it drops, answer 503 "try again" rather than a
    server error: the request's transaction was rolled back, so retrying is safe."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            return database_unavailable(request)
        return None


def database_unavailable(request) -> HttpResponse:
    """The 503 "try again" answer (the API's as JSON), also for a middleware that met the database's
    absence before the view (core/once.py)."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": _("The database is not reachable; try again.")}, status=503)
    else:
        # Rendered without the request: its context processors would ask the database again.
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "5"
    return response


def server_error(request):
    """Django's 500 page (handler500), but the 503 "try again" when it was the database that failed
    before any view ran: in the middleware that loads the signed-in user, while a primary stops and its
    replica is promoted."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    return HttpResponseServerError(render_to_string("500.html"))
