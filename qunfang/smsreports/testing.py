"""Reports by SMS's records at a place, for the walks (qunfang/testing/records.py): a registered phone of
the first village and an inbound zero report from it, taken through the service as a provider's push."""

from qunfang.core.personal import PHONE, blind_index
from qunfang.smsreports import services
from qunfang.smsreports.models import RegisteredPhone
from qunfang.testing.records import first_village

PHONES = ["13700137000", *(f"1370013{n:04d}" for n in range(1, 200))]  # the first: the masking walk's


def records_at(place, *, by, text, id_number, made) -> dict:
    village = first_village(place)
    taken = set(RegisteredPhone.objects.filter(active=True).values_list("phone_index", flat=True))
    phone = next(p for p in PHONES if blind_index(PHONE, "+86" + p) not in taken)
    row = services.register_phone(by=None, place=village, phone=phone, holder=text[:50])
    services.take_message(services.Arrived("fake", f"walk-{row.pk}", phone, f"日报 0 {text[:40]}"))
    return {"phone_id": row}  # the callbacks' {token}: another app names one, which is not ours (404)
