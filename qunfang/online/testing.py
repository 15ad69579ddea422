"""Services online's records, for the walks and the other tests: at a place (qunfang/testing/records.py),
a service of the bureau at or above it and an application of the place's first village with its photo,
waiting for review; and of one veteran (the portal's veteran walk), an application with its photo and a
closed service (offered to nobody)."""

from qunfang.core.models import LEVEL_RANK, Level, OrgUnit
from qunfang.core.personal import check_character
from qunfang.online import services
from qunfang.registry.services import create_veteran
from qunfang.testing.clients import image_upload
from qunfang.testing.records import first_village

PATH = [{"level": "town", "kind": "check", "days": 3}, {"level": "district", "kind": "review", "days": 5}]


def _bureau(place: OrgUnit) -> OrgUnit:
    if LEVEL_RANK[place.level] <= LEVEL_RANK[Level.DISTRICT]:
        return place
    return OrgUnit.objects.filter(pk__in=place.ancestor_ids, level=Level.DISTRICT).get()


def _service(bureau: OrgUnit, name: str, purpose: str = "", is_open: bool = True):
    return services.define_service(
        by=None,
        place=bureau,
        name=name,
        purpose=purpose,
        is_open=is_open,
        path=PATH,
        fields=[{"label": "说明", "kind": "text", "required": True}],
        documents=[{"label": "身份证正面", "required": True}],
    )


def _veteran_at(station, made, text: str, id_number: str):
    veteran = made["veteran_id"]
    if veteran.place.path.startswith(station.path):
        return veteran
    first17 = id_number[:14] + "986"  # another sequence number of the same birth day
    return create_veteran(
        by=None, place=station, name=text[:50], id_number=first17 + check_character(first17)
    )


def records_at(place, *, by, text, id_number, made) -> dict:
    bureau = _bureau(place)
    # A service of a bureau above the place is seen by the place's neighbours: it carries no text.
    own = bureau == place
    service = _service(bureau, f"{text[:40] if own else '证明开具'} {place.pk}", text[:300] if own else "")
    veteran = _veteran_at(first_village(place), made, text, id_number)
    application = services.apply(
        by=None,
        veteran=veteran,
        service=service,
        answers={"说明": text[:500]},
        photos={"身份证正面": image_upload(f"{text[:20]}.png")},
    )
    return {
        "online_service_id": service,
        "online_application_id": application,
        "online_document_id": application.documents.get(),
    }


def veteran_records_of(veteran) -> dict[str, int]:
    bureau = _bureau(veteran.place)
    service = _service(bureau, f"证明开具 {veteran.pk}")
    closed = _service(bureau, f"停办事项 {veteran.pk}", is_open=False)
    application = services.apply(
        by=None,
        veteran=veteran,
        service=service,
        answers={"说明": "本人申请"},
        photos={"身份证正面": image_upload("id.png")},
    )
    return {
        "online_service_id": closed.pk,
        "online_application_id": application.pk,
        "online_document_id": application.documents.get().pk,
    }
