"""Who may see and do what, where: the one place that knows the rule.

A user holds memberships (place + role). A role grants capabilities; a membership's place bounds them
to that place and everything below it. Every read goes through a `Scope`: lists with
`Model.objects.visible_to(scope, capability)`, single objects with `get_for(...)`, which answers
404 alike for "does not exist" and "not yours", so that nobody learns what lies outside their places.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from qunfang.core.roles import ROLE_CAPABILITIES, Capability

if TYPE_CHECKING:
    from qunfang.core.models import OrgUnit


@dataclass(frozen=True)
class Grant:
    place_id: int
    path: str
    role: str

    @property
    def capabilities(self) -> frozenset[Capability]:
        return ROLE_CAPABILITIES.get(self.role, frozenset())


class Scope:
    """The places a user reaches and what they may do in each."""

    def __init__(self, user: Any, grants: Iterable[Grant] = ()):
        self.user = user
        self.grants = tuple(grants)

    @classmethod
    def for_user(cls, user: Any) -> Scope:
        if user is None or not user.is_authenticated or not user.is_active:
            return cls(user, ())
        from qunfang.core.models import Membership

        rows = Membership.objects.filter(user=user).values_list("place_id", "place__path", "role")
        return cls(user, (Grant(place_id, path, role) for place_id, path, role in rows))

    def paths(self, capability: Capability) -> list[str]:
        """The top-most paths where the capability holds (a path inside another is dropped)."""
        found = sorted({g.path for g in self.grants if capability in g.capabilities})
        tops: list[str] = []
        for path in found:
            if not any(path.startswith(top) for top in tops):
                tops.append(path)
        return tops

    def allows(self, capability: Capability, place: OrgUnit | None = None) -> bool:
        """Whether the capability holds at the place, or anywhere at all when no place is given."""
        return any(
            capability in g.capabilities and (place is None or place.path.startswith(g.path))
            for g in self.grants
        )

    def restrict(self, queryset: models.QuerySet, capability: Capability, path_field: str) -> models.QuerySet:
        condition = models.Q()
        for path in self.paths(capability):
            condition |= models.Q(**{f"{path_field}__startswith": path})
        return queryset.filter(condition) if condition else queryset.none()

    @property
    def place_ids(self) -> list[int]:
        return list(dict.fromkeys(g.place_id for g in self.grants))


class PlaceScopedQuerySet(models.QuerySet):
    """Base for every model that belongs to a place. Subclasses name the path of that place."""

    place_path_field = "place__path"

    def visible_to(self, scope: Scope, capability: Capability = Capability.VIEW_PLACES) -> models.QuerySet:
        return scope.restrict(self, capability, self.place_path_field)


def get_for(scope: Scope, queryset: models.QuerySet, capability: Capability, **lookup: Any) -> Any:
    """The one object the user may reach with the capability, or 404 (missing and forbidden look alike)."""
    try:
        return queryset.visible_to(scope, capability).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


# Every view declares who may open it; a test fails for a view that does not.
PUBLIC = "public"
SIGNED_IN = "signed_in"


def _to_login(request):
    # Imported here: auth's views load the user model, which is not ready when models import this module.
    from django.contrib.auth.views import redirect_to_login

    return redirect_to_login(request.get_full_path())


def _mark(view: Callable, rule: str) -> Callable:
    view.access_rule = rule  # type: ignore[attr-defined]
    return view


def public(view: Callable) -> Callable:
    """Open to anyone, signed in or not (sign-in page, health check)."""
    return _mark(view, PUBLIC)


def signed_in(view: Callable) -> Callable:
    """Any signed-in user, whatever their places (their own account pages)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _to_login(request)
        return view(request, *args, **kwargs)

    return _mark(wrapper, SIGNED_IN)


def requires(capability: Capability) -> Callable[[Callable], Callable]:
    """The user must hold the capability somewhere; the view then narrows to the place it acts on."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return _to_login(request)
            if not request.scope.allows(capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return _mark(wrapper, capability)

    return decorator
