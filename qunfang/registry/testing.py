"""The roll's records at a place, for the walks and the other tests (qunfang/testing/records.py)."""

from qunfang.registry import services
from qunfang.registry.models import RollExport, RollImport

PHONE = "13800138000"
# The spouse's: synthetic and checksum-valid (born 1992-03-04, female), no real person's.
SPOUSE_ID = "441803199203046225"
SPOUSE_PHONE = "13912345678"


def records_at(place, *, by, text, id_number, made) -> dict:
    veteran = services.create_veteran(
        by=None, place=place, name=text[:50], id_number=id_number, phone=PHONE, address=text, tags=[text[:30]]
    )
    member = services.add_family_member(
        by=None, veteran=veteran, relation="spouse", name=text[:50], id_number=SPOUSE_ID, phone=SPOUSE_PHONE
    )
    roll_import = RollImport.objects.create(
        place=place,
        created_by=by,
        file="rolls/x.xlsx",
        original_name=text[:100],
        headings=[text],
        status=RollImport.Status.CHECKED,
        errors=[{"row": 2, "name": text[:50], "message": text}],
    )
    roll_export = RollExport.objects.create(
        place=place, created_by=by, file="", original_name="veterans.xlsx", filters={"q": text[:50]}
    )
    return {"veteran_id": veteran, "member_id": member, "import_id": roll_import, "export_id": roll_export}
