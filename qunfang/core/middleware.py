"""Per-request set-up: the user's scope and the origin that audit entries record."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from qunfang.core.access import Scope
from qunfang.core.audit import Origin, current_origin


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


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
