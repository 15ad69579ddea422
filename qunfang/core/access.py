"""Who may see and do what, where: the one place that knows the rule.

A user holds memberships (place + role). A role grants capabilities; a membership's place bounds them
to that place and everything below it. Every read goes through a `Scope`: lists with
`Model.objects.visible_to(scope, capability)`, single objects with `get_for(...)`, which answers
404 alike for "does not exist" and "not yours", so that nobody learns what lies outside their places.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from qunfang.core.roles import Capability, role_capabilities

if TYPE_CHECKING:
    from qunfang.core.models import OrgUnit


@dataclass(frozen=True)
class Grant:
    place_id: int
    path: str
    role: str

    @property
    def capabilities(self) -> frozenset[Capability]:
        return role_capabilities(self.role)


class Scope:
    """The places a user reaches and what they may do in each."""

    def __init__(self, user: Any, grants: Iterable[Grant] = ()):
        self.user = user
        self.grants = tuple(grants)
        self._remembered: dict[str, Any] = {}

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

    def may_grant(self, role: str, place_path: str) -> bool:
        """Whether a membership with this role at this place is within what the user manages: somewhere
        they manage users, and no capability beyond what they hold there themselves."""
        wanted = role_capabilities(role)
        return any(
            Capability.MANAGE_USERS in g.capabilities
            and place_path.startswith(g.path)
            and wanted <= g.capabilities
            for g in self.grants
        )

    def manages(self, account: Any) -> bool:
        """Whether the user may change this account: its password, second factor, whether it can sign
        in, its roles. Only an account whose every role is one the user could have given
        (`may_grant`). Never the operator's or any staff account, which only the operator or the
        command line manage; never an account without any role, which belongs to no place: giving it
        a role first would make anyone's account theirs."""
        return account.pk in self.manageable([account])

    def manageable(self, accounts: Iterable[Any]) -> set[int]:
        """The ids of the accounts `manages` allows, in one query for a page's worth of them."""
        from qunfang.core.models import Membership

        candidates = {a.pk for a in accounts if not (a.is_superuser or a.is_staff)}
        held: dict[int, list[tuple[str, str]]] = {}
        rows = Membership.objects.filter(user_id__in=candidates).values_list("user_id", "place__path", "role")
        for user_id, path, role in rows:
            held.setdefault(user_id, []).append((path, role))
        return {
            user_id
            for user_id, roles in held.items()
            if all(self.may_grant(role, path) for path, role in roles)
        }

    @property
    def place_ids(self) -> list[int]:
        return list(dict.fromkeys(g.place_id for g in self.grants))

    @cached_property
    def own_places(self) -> list[OrgUnit]:
        """The places of the user's own memberships, in tree order: read once a request, however many
        apps ask (the home and place pages ask for them for every app's work)."""
        from qunfang.core.models import OrgUnit  # models import this module

        return list(OrgUnit.objects.filter(pk__in=self.place_ids).order_by("path")) if self.grants else []

    def remember(self, key: str, compute: Callable[[], Any]) -> Any:
        """What `compute` answers, worked out once for this scope (a request's): for facts of the user
        that several apps' parts of one page ask for."""
        if key not in self._remembered:
            self._remembered[key] = compute()
        return self._remembered[key]


def under(place: OrgUnit | str, via: str = "place") -> models.Q:
    """This place and everything under it, as a condition on the rows whose relation `via` leads to a
    place ("" when the rows are places themselves): one indexed prefix query on the place's path."""
    path = place if isinstance(place, str) else place.path
    return models.Q(**{f"{via}__path__startswith" if via else "path__startswith": path})


class PlaceScopedQuerySet(models.QuerySet):
    """Base for every model that belongs to a place. Subclasses name the path of that place."""

    place_path_field = "place__path"

    def visible_to(self, scope: Scope, capability: Capability = Capability.VIEW_PLACES) -> models.QuerySet:
        return scope.restrict(self, capability, self.place_path_field)

    def under(self, place: OrgUnit | str) -> models.QuerySet:
        """The rows at this place and everything under it (a place or its path)."""
        path = place if isinstance(place, str) else place.path
        return self.filter(**{f"{self.place_path_field}__startswith": path})


def get_for(scope: Scope, queryset: models.QuerySet, capability: Capability, **lookup: Any) -> Any:
    """The one object the user may reach with the capability, or 404 (missing and forbidden look alike)."""
    try:
        return queryset.visible_to(scope, capability).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def place_for(request: Any, place_id: int, capability: Capability) -> OrgUnit:
    """The place a page or API request acts on, if the user holds the capability there; else 404."""
    from qunfang.core.models import OrgUnit  # models import this module

    return get_for(request.scope, OrgUnit.objects.all(), capability, pk=place_id)


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
