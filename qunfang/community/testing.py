"""The community's records at a place's first village, for the walks and the other tests
(qunfang/testing/records.py): a building, household and resident, a register import, a gate with a
pass and a crossing, a screening round, a request and a standard answer, a merchant and its staff."""

import uuid
from datetime import date

from django.utils import timezone

from qunfang.community.models import RegisterImport
from qunfang.community.services import checkpoints, merchants, requests, screening
from qunfang.community.services import register as community
from qunfang.testing.records import first_village


def records_at(place, *, by, text, id_number, made) -> dict:
    village = first_village(place)
    building = community.save_building(by=None, community=village, number=text[:20])
    household = community.save_household(
        by=None, building=building, room=text[:10], phone="13700137001", note=text[:200]
    )
    resident = community.add_resident(
        by=None, household=household, name=text[:50], id_number=id_number, phone="13700137002",
        status="home_quarantine", travel=text[:300],
    )  # fmt: skip
    register_import = RegisterImport.objects.create(
        place=village, created_by=by, file="registers/x.xlsx", original_name=f"{text[:40]}.xlsx"
    )
    gate = checkpoints.save_gate(by=None, community=village, name=text[:50], note=text[:200])
    today = timezone.localdate()
    issued = checkpoints.issue_pass(
        by=None, household=household, resident=resident, valid_from=today, valid_until=today,
        exit_every_days=2,
    )  # fmt: skip
    checkpoints.record_crossings(
        by=None, gate=gate,
        records=[{"client_id": str(uuid.uuid4()), "token": checkpoints.token_for(issued), "direction": "out",
                  "temperature": "37.9", "at": timezone.now().isoformat()}],
    )  # fmt: skip
    round_ = screening.start_round(
        by=None, community=village, name=text[:100], script=text, callers=[by], day=date(2020, 1, 25)
    )
    taken = requests.take_request(
        by=None, community=village, channel="door", category="supplies", text=text[:500], household=household
    )
    answer = requests.save_standard_answer(
        by=None, place=village, category="supplies", question=text[:200], answer=text
    )
    merchant = merchants.save_merchant(by=None, community=village, name=text[:100], address=text[:200])
    staff = merchants.add_staff(
        by=None, merchant=merchant, name=text[:50], phone="13700137003", job=text[:50]
    )
    return {
        "building_id": building,
        "household_id": household,
        "resident_id": resident,
        "register_import_id": register_import,
        "gate_id": gate,
        "pass_id": issued,
        "round_id": round_,
        "call_id": round_.calls.get(),
        "request_id": taken,
        "answer_id": answer,
        "merchant_id": merchant,
        "staff_id": staff,
    }
