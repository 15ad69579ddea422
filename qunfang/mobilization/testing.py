"""Mobilization's records at a place, for the walks and the other tests (qunfang/testing/records.py):
a day's record, a volunteer, a team sent to the place, a deed with a photo, the sign-up token."""

from datetime import date

from qunfang.mobilization import services
from qunfang.mobilization.models import ActivityType
from qunfang.mobilization.views import signup_token
from qunfang.testing.clients import image_upload


def records_at(place, *, by, text, id_number, made) -> dict:
    (record,) = services.record_day(
        by=by,
        place=place,
        day=date(2020, 1, 25),
        entries=[services.Entry(ActivityType.objects.get(code="door_to_door"), 77, 4321)],
        participants=text[:300],
        note=text,
    )
    volunteer = services.add_volunteer(
        by=by, place=place, name=text[:50], id_number=id_number, phone="13700137000", note=text[:300]
    )
    team = services.save_team(
        by=by, place=place, name=text[:60], duties=text[:300], members=[volunteer], leader=volunteer
    )
    services.deploy(
        by=by, place=place, team=team, start=date(2020, 1, 25), end=date(2020, 2, 3), task=text[:300]
    )
    deed = services.record_deed(
        by=by,
        place=place,
        day=date(2020, 1, 26),
        person=text[:100],
        title=text[:120],
        story=text,
        volunteer=volunteer,
        photos=[(image_upload(), text[:200])],
    )
    return {
        "record_id": record,
        "volunteer_id": volunteer,
        "team_id": team,
        "deed_id": deed,
        "photo_id": deed.photos.get(),
        "token": signup_token(place),
    }
