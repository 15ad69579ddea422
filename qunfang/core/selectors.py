"""Reads of the kernel that pages, the API and commands share. Each takes the caller's scope first."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from qunfang.core.access import Scope, get_for
from qunfang.core.models import AccessToken, AuditEntry, Membership, OrgUnit, User
from qunfang.core.roles import Capability
from qunfang.core.services.people import token_digest

TREE_VERSION_KEY = "core:tree-version"


def usable_token(raw: str) -> AccessToken | None:
    """The token a client sends, while it may still be used: not revoked or expired, its account
    switched on and with the password it was made under (a new password ends every token)."""
    row = AccessToken.objects.active().select_related("user").filter(digest=token_digest(raw)).first()
    if row is None or not row.user.is_active:
        return None
    return row if constant_time_compare(row.password_hash, row.user.get_session_auth_hash()) else None


def tree_version() -> str:
    """A mark that changes whenever a place is added, changed, moved or removed: cached reads of the
    tree's shape put it in their keys and so never outlive the shape they were computed from."""
    return cache.get_or_set(TREE_VERSION_KEY, lambda: uuid.uuid4().hex, timeout=None)


def forget_tree_shape(**kwargs: object) -> None:
    cache.set(TREE_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def visible_places(scope: Scope, *, search: str = "") -> QuerySet[OrgUnit]:
    places = OrgUnit.objects.visible_to(scope, Capability.VIEW_PLACES)
    if search:
        places = places.filter(Q(name__icontains=search) | Q(code__startswith=search))
    return places


def children_of(scope: Scope, place: OrgUnit) -> QuerySet[OrgUnit]:
    """A place's children with how many children each has, in one query."""
    return (
        visible_places(scope)
        .filter(parent=place)
        .annotate(child_count=Count("children"))
        .order_by("code", "sort_name")
    )


def with_way_down(places: list[OrgUnit]) -> list[tuple[OrgUnit, str]]:
    """Each place with its name after those of the places above it (广东省 › 清远市 › 清新区), in one query.
    Names above are only names: the caller has already chosen places the user may reach."""
    names = dict(
        OrgUnit.objects.filter(pk__in={pk for p in places for pk in p.ancestor_ids}).values_list("pk", "name")
    )
    return [(p, " › ".join([*(names[pk] for pk in p.ancestor_ids if pk in names), p.name])) for p in places]


@dataclass(frozen=True)
class Crumb:
    place: OrgUnit
    reachable: bool


def breadcrumb(scope: Scope, place: OrgUnit) -> list[Crumb]:
    """The way from the root to the place. Ancestors above the user's own places are named, not linked:
    a village clerk sees that the village lies in its town, but cannot open the town."""
    ancestors = {p.pk: p for p in OrgUnit.objects.filter(pk__in=place.ancestor_ids)}
    reachable = set(visible_places(scope).filter(pk__in=place.ancestor_ids).values_list("pk", flat=True))
    crumbs = [Crumb(ancestors[pk], pk in reachable) for pk in place.ancestor_ids if pk in ancestors]
    return [*crumbs, Crumb(place, True)]


def may_move(scope: Scope, place: OrgUnit) -> bool:
    """Taking a place away from its parent is the business of whoever manages that parent."""
    return place.parent is not None and scope.allows(Capability.MANAGE_PLACES, place.parent)


def home_places(scope: Scope) -> list[OrgUnit]:
    """The places of the user's own memberships: where the place switcher starts."""
    return scope.own_places


def export_rows(scope: Scope, place: OrgUnit) -> list[list[str]]:
    """The subtree as import rows (code, name, parent code, level, station facts), parents first. The
    top row has no parent code, so the file can be imported under any place."""
    places = list(visible_places(scope).under(place).select_related("parent"))
    return [
        [
            p.code or "",
            p.name,
            (p.parent.code or "") if p.pk != place.pk else "",
            p.level,
            p.station_kind,
            p.address,
            p.phone,
            p.hall_status,
        ]
        for p in places
    ]


def visible_users(scope: Scope, *, search: str = "") -> QuerySet[User]:
    """Users who hold a membership somewhere the caller may see people."""
    memberships = Membership.objects.visible_to(scope, Capability.VIEW_USERS)
    users = User.objects.filter(pk__in=memberships.values("user_id"))
    if search:
        users = users.filter(Q(username__icontains=search) | Q(full_name__icontains=search))
    return users


def memberships_of(scope: Scope, user: User) -> QuerySet[Membership]:
    """The user's memberships the caller may see; memberships elsewhere stay hidden."""
    return (
        Membership.objects.visible_to(scope, Capability.VIEW_USERS).filter(user=user).select_related("place")
    )


def managed_user(scope: Scope, user_id: int) -> tuple[User, OrgUnit]:
    """A user the caller may change, with the place to file the audit entry under; 404 for one the caller
    may not change, as for one they cannot see."""
    try:
        user = visible_users(scope).get(pk=user_id)
    except (User.DoesNotExist, OverflowError):
        raise Http404 from None
    if not scope.manages(user):
        raise Http404
    return user, memberships_of(scope, user).first().place


def managed_membership(scope: Scope, membership_id: int) -> Membership:
    """A role the caller may take away: at a place where they manage people, of an account they manage."""
    membership = get_for(
        scope, Membership.objects.select_related("place", "user"), Capability.MANAGE_USERS, pk=membership_id
    )
    if not scope.manages(membership.user):
        raise Http404
    return membership


def managed_account_named(scope: Scope, username: str) -> User:
    """The account of this user name among those the caller manages (to give it another role)."""
    name = User.normalize_username(username.strip())
    user = User.objects.filter(username__iexact=name).first()
    # One answer for "no such account" and "not yours", so that nobody learns which names exist.
    if user is None or not scope.manages(user):
        raise ValidationError(
            {
                "username": _(
                    "No one with this user name is among the people you manage. Someone from "
                    "another place is given a role by the bureau above both places."
                )
            }
        )
    return user


def memberships_at(scope: Scope, place: OrgUnit) -> QuerySet[Membership]:
    return (
        Membership.objects.visible_to(scope, Capability.VIEW_USERS)
        .filter(place=place)
        .select_related("user")
        .order_by("role", "user__username")
    )


def audit_entries(
    scope: Scope,
    *,
    place: OrgUnit | None = None,
    actor: str = "",
    action: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.visible_to(scope, Capability.VIEW_AUDIT).select_related("place")
    if place is not None:
        entries = entries.under(place)
    if actor:
        entries = entries.filter(actor_name__icontains=actor)
    if action:
        entries = entries.filter(action__startswith=action)
    zone = timezone.get_current_timezone()
    if since:
        entries = entries.filter(at__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until:
        entries = entries.filter(at__lte=datetime.combine(until, time.max, tzinfo=zone))
    return entries
