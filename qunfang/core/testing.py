"""The kernel's records at a place, for the walks and the other tests (qunfang/testing/records.py)."""

from qunfang.core import services
from qunfang.core.models import ImportJob


def records_at(place, *, by, text, id_number, made) -> dict:
    token, _raw = services.issue_token(by=by, name=text[:100])
    job = ImportJob.objects.create(
        place=place,
        created_by=by,
        file="imports/x.csv",
        original_name=text[:100],
        errors=[{"row": 2, "message": text}],
    )
    return {
        "place_id": place,
        "parent_id": place,  # a new place goes under this one
        "user_id": by,
        "membership_id": by.memberships.get(place=place),
        "token_id": token,
        "job_id": job,
    }
