"""Hardship help's records at a place, for the walks and the other tests (qunfang/testing/records.py):
a care fund (at the place, or the town above a village) with budget money and the donations app's gift
taken in, a rule, and a case of the place's first village with an attachment, sent up."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from qunfang.core.models import LEVEL_RANK, Level
from qunfang.core.personal import check_character
from qunfang.hardship import services
from qunfang.hardship.models import RuleKind
from qunfang.registry.services import create_veteran
from qunfang.testing.records import first_village

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _veteran_at(station, made, text: str, id_number: str):
    """The roll's veteran made by the registry when it is the station's; else one of the station's."""
    veteran = made["veteran_id"]
    if veteran.place.path.startswith(station.path):
        return veteran
    first17 = id_number[:14] + "987"  # another sequence number of the same birth day
    return create_veteran(
        by=None, place=station, name=text[:50], id_number=first17 + check_character(first17)
    )


def records_at(place, *, by, text, id_number, made) -> dict:
    station = first_village(place)
    fund_place = place if LEVEL_RANK[place.level] <= LEVEL_RANK[Level.TOWN] else place.parent
    # A fund above the place is seen by the place's neighbours choosing a fund: it carries no text.
    own = fund_place == place
    fund = services.create_fund(
        by=None, place=fund_place, name=text[:100] if own else "关爱基金", purpose=text[:300] if own else ""
    )
    line = services.take_in_budget(by=None, fund=fund, amount="5000", day=date(2020, 1, 20),
                                   document=text[:100], note=text[:200])  # fmt: skip
    services.take_in_donation(by=None, fund=fund, donation=made["donation_id"], day=date(2020, 1, 28),
                              note=text[:200])  # fmt: skip
    rule = services.add_rule(by=None, place=place, kind=RuleKind.MEDICAL_COSTS_OVER, amount="1000")
    case = services.open_case(
        by=None, place=station, veteran=_veteran_at(station, made, text, id_number), fund=fund, need=text,
        situation=text, household_size=3, medical_costs="8000", household_income="30000", asked="2000",
        day=date(2020, 1, 21), upload=SimpleUploadedFile(f"{text[:20]}.pdf", PDF, "application/pdf"),
    )  # fmt: skip
    services.send_up(by=None, case=case)
    return {
        "case_id": case,
        "fund_id": fund,
        "line_id": line,
        "rule_id": rule,
        "attachment_id": case.attachments.get(),
    }
