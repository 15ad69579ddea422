"""What the base template needs on every page: the navigation the user's roles open, their own places."""

from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from qunfang.core import selectors
from qunfang.core.middleware import owes_second_factor
from qunfang.core.roles import Capability

NAVIGATION = [
    ("core:home", _("Places"), Capability.VIEW_PLACES),
    ("registry:veterans", _("Veterans"), Capability.VIEW_VETERANS),
    ("core:users", _("People"), Capability.VIEW_USERS),
    ("core:audit", _("Audit log"), Capability.VIEW_AUDIT),
    ("community:my_gates", _("Gates"), Capability.GUARD_GATES),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "scope"):
        return {}
    if owes_second_factor(request):
        return {}  # every link would lead back to the two-factor page
    scope = request.scope
    return {
        "nav": [(url, label) for url, label, capability in NAVIGATION if scope.allows(capability)],
        "my_places": SimpleLazyObject(lambda: list(selectors.home_places(scope))),
    }
