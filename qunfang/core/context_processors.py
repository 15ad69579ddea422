"""What the base template needs on every page: the menu the user's roles open, their own places."""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from qunfang.core import selectors
from qunfang.core.middleware import owes_second_factor
from qunfang.core.roles import Capability
from qunfang.lib.work import Link, menu_of_apps

# The kernel's own entries; each app adds its own (lib/work), only where the person has something to see.
NAVIGATION = [
    ("core:home", _("Places"), Capability.VIEW_PLACES),
    ("core:users", _("People"), Capability.VIEW_USERS),
    ("core:audit", _("Audit log"), Capability.VIEW_AUDIT),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "scope"):
        return {}
    if owes_second_factor(request):
        return {}  # every link would lead back to the two-factor page
    scope = request.scope

    def menu() -> dict[str, list[Link]]:
        own = [Link(label, reverse(url)) for url, label, capability in NAVIGATION if scope.allows(capability)]
        apps = menu_of_apps(scope)
        return {
            "main": own[:1] + [link for link in apps if not link.personal] + own[1:],
            "personal": [link for link in apps if link.personal],
        }

    return {
        "menu": SimpleLazyObject(menu),
        "my_places": SimpleLazyObject(lambda: list(selectors.home_places(scope))),
    }
