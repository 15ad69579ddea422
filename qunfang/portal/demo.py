"""The portal keeps nothing of its own in the demo: it tells the person who started it how to try a
veteran's own pages with a number on the demo's roll (synthetic, as the whole roll)."""

from qunfang.registry.models import Status, Veteran


def load() -> list[str]:
    veteran = (
        Veteran.objects.filter(place__name="迳口村", status=Status.ACTIVE, phone_index__isnull=False)
        .select_related("place")
        .order_by("pk")
        .first()
    )
    if veteran is None:
        return []
    who = f"{veteran.phone.reveal().removeprefix('+86')} ({veteran.name}, {veteran.place.name})"
    return [
        f"A veteran's own pages: /my/sign-in/ with {who}; the console channel writes the SMS code to the"
        " messages log (var/messages.log)."
    ]
