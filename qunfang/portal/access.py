"""Who a visitor of the veteran's pages is: a phone signed in with a code, and the people on the roll
it may act for. Apart from the staff's sign-in (core/access.py): a visitor has no user, no places and
no capabilities, only their own people, and a staff account signed in on the same browser gives the
veteran's pages nothing more."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from qunfang.portal import selectors

VETERAN = "veteran"  # the access rule of a veteran's page (core/access.py names the staff's)
SESSION_KEY = "portal"


@dataclass
class Visitor:
    phone_index: str
    veteran_ids: list[int]
    acting_for: int

    @cached_property
    def veterans(self) -> list:
        return list(selectors.veterans_of(self.veteran_ids))

    @cached_property
    def veteran(self):
        return next(v for v in self.veterans if v.pk == self.acting_for)

    @property
    def audit_name(self) -> str:
        """How the audit log names what the visitor did (core/audit.py): the person acted for."""
        return f"veteran:{self.acting_for}"


def enter(request, phone_index: str, veteran_ids: list[int]) -> None:
    """Sign the phone in on this browser. A new session key: one fixed beforehand by someone else must
    not become a signed-in session."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "phone": phone_index,
        "acting_for": veteran_ids[0],
        "at": int(time.time()),
    }


def leave(request) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def act_for(request, visitor: Visitor, veteran_id: int) -> None:
    if veteran_id not in visitor.veteran_ids:
        raise Http404
    request.session[SESSION_KEY] = {**request.session[SESSION_KEY], "acting_for": veteran_id}


def visitor_of(request) -> Visitor | None:
    """The signed-in visitor, read again from the roll on each request: a phone taken off the roll
    (or off a family member) reaches nobody from its next request on."""
    signed = request.session.get(SESSION_KEY)
    if not signed or time.time() - signed.get("at", 0) > settings.PORTAL_SESSION_HOURS * 3600:
        return None
    ids = selectors.veteran_ids_of_phone(signed["phone"])
    if not ids:
        return None
    acting_for = signed["acting_for"] if signed["acting_for"] in ids else ids[0]
    return Visitor(phone_index=signed["phone"], veteran_ids=ids, acting_for=acting_for)


def veteran_required(view: Callable) -> Callable:
    """A veteran's page: the visitor must be signed in with a code (request.visitor). Otherwise a GET
    goes to the sign-in and back, anything else is refused."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.visitor = visitor_of(request)
        if request.visitor is None:
            if request.method in ("GET", "HEAD"):
                return redirect(f"{reverse('portal:sign_in')}?{urlencode({'next': request.get_full_path()})}")
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.access_rule = VETERAN  # type: ignore[attr-defined]
    return wrapper


def own(visitor: Visitor, queryset, **lookup):
    """One object of the visitor's own people (by its `veteran_id`), else 404 like anything missing."""
    found = queryset.filter(veteran_id__in=visitor.veteran_ids, **lookup).first()
    if found is None:
        raise Http404
    return found
