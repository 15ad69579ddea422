"""The JSON API under /api/v1/: one NinjaAPI, a router per app, the same scoping as the pages.

Clients authenticate with a personal access token (`Authorization: Bearer qf_…`) or, from the
browser, with the session cookie and a CSRF token.
"""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from qunfang.core.access import Scope
from qunfang.core.audit import Origin, current_origin
from qunfang.core.middleware import client_address, owes_second_factor
from qunfang.core.models import AccessToken
from qunfang.core.selectors import usable_token
from qunfang.lib.text import find_unwanted

# How stale a token's "last used" may get before it is written again: one write per call would tie
# every read to a write.
LAST_USED_RESOLUTION = timezone.timedelta(minutes=5)


def _enter(request, user):
    request.scope = Scope.for_user(user)
    current_origin.set(Origin(client_address(request), "api"))
    return user


class TextRefused(ValueError):
    def __init__(self, where: str, character: str):
        super().__init__(
            _(
                "%(where)s holds an invisible control character or a broken character (U+%(code)04X); "
                "send the text without it."
            )
            % {"where": where or _("The request"), "code": ord(character)}
        )


class CleanTextParser(Parser):
    """JSON bodies and query strings whose text holds no control character or lone surrogate (see
    lib/text.py): refused as a whole with 422 before any schema sees them."""

    def parse_body(self, request):
        data = json.loads(request.body)
        if found := find_unwanted(data):
            raise TextRefused(*found)
        return data

    def parse_querydict(self, data, list_fields, request):
        parsed = super().parse_querydict(data, list_fields, request)
        if found := find_unwanted(parsed):
            raise ValidationError(str(TextRefused(*found)))
        return parsed


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        row = usable_token(token)
        if row is None:
            return None
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
            AccessToken.objects.filter(pk=row.pk).update(last_used_at=now)
        return _enter(request, row.user)


class BrowserSessionAuth(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if not user or owes_second_factor(request):
            return None
        return _enter(request, user)


api = NinjaAPI(
    title="Qunfang API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), BrowserSessionAuth()],
    docs_url=None,  # Swagger UI loads scripts from a CDN, which the CSP and closed networks refuse
    parser=CleanTextParser(),
)


@api.exception_handler(HttpError)
def http_error(request, exc):
    # Ninja turns any failure of the body parser into 400 "Cannot parse request body"; refused text
    # is the client's to mend, with the reason, like any other invalid field.
    if isinstance(exc.__cause__, TextRefused):
        return api.create_response(request, {"detail": [str(exc.__cause__)]}, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": _("You may not do this here.")}, status=403)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unavailable(request, exc):
    response = api.create_response(
        request, {"detail": _("The database is not reachable; try again.")}, status=503
    )
    response["Retry-After"] = "5"
    return response


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    return api.create_response(request, {"detail": exc.messages}, status=422)


# Each app's router (its api module's `router`), in INSTALLED_APPS order; after `api` and the helpers
# above, which the routers import.
from qunfang.lib.apps import app_modules  # noqa: E402

for _config, module in app_modules("api"):
    api.add_router("/", module.router)
    # A veteran's own operations (portal/api.py's VisitorAuth), apart from the staff's.
    if veteran_router := getattr(module, "veteran_router", None):
        api.add_router(f"/my/{_config.label}/", veteran_router)
