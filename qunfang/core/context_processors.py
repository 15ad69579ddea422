"""What the base template needs on every page: the menu the user's roles open, their own places."""

import hashlib

from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
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


# The menu is the same on every page a person opens, and its entries ask whether there is anything to
# see (a gate, a call, a task): some six queries, a fifth of a list page's time. It is kept a minute for
# the person, their roles, the tree's shape and the language; an entry appears or goes at most that long
# after what it leads to, while the page itself (the work due, the figures) is read fresh.
MENU_SECONDS = 60


def _menu_key(scope) -> str:
    grants = ",".join(sorted(f"{grant.role}@{grant.path}" for grant in scope.grants))
    mark = hashlib.sha256(f"{grants}|{selectors.tree_version()}".encode()).hexdigest()[:16]
    return f"core:menu:{scope.user.pk}:{translation.get_language()}:{mark}"


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
        "menu": SimpleLazyObject(lambda: cache.get_or_set(_menu_key(scope), menu, MENU_SECONDS)),
        "my_places": SimpleLazyObject(lambda: list(selectors.home_places(scope))),
    }
