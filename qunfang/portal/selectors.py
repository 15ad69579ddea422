"""The portal's reads. A signed-in phone's scope is its own people: the veterans on the roll whose own
mobile or a family member's mobile it is. That is the whole of what a visitor may reach, so these
reads start from the phone's blind index rather than from a staff scope."""

from django.db.models import Q, Sum
from django.utils import timezone

from qunfang.portal.models import SignInCode
from qunfang.registry.models import FamilyMember, Status, Veteran


def veteran_ids_of_phone(phone_index: str) -> list[int]:
    """The people a phone may act for, in a steady order. Someone who moved away is on another
    place's roll now, under that place's row."""
    family = FamilyMember.objects.filter(phone_index=phone_index).values("veteran_id")
    return list(
        Veteran.objects.filter(Q(phone_index=phone_index) | Q(pk__in=family))
        .exclude(status=Status.MOVED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def veterans_of(ids: list[int]):
    return Veteran.objects.filter(pk__in=ids).select_related("place", "place__parent").order_by("pk")


def failures_lately(phone_index: str, since) -> int:
    """Wrong codes typed for the phone since then, over all its codes: the lock-out counts them."""
    found = SignInCode.objects.filter(phone_index=phone_index, created_at__gte=since).aggregate(
        wrong=Sum("failures")
    )
    return found["wrong"] or 0


def live_code(phone_index: str) -> SignInCode | None:
    """The phone's newest code while it may still be used (asking for a new code voids the earlier)."""
    return (
        SignInCode.objects.filter(
            phone_index=phone_index, used_at__isnull=True, expires_at__gt=timezone.now()
        )
        .order_by("-created_at", "-pk")
        .first()
    )
