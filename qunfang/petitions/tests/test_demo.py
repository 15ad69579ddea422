"""The demo's ordinary year 2019 at 迳口村: a petition found, registered, resolved and visited again; the
December screening signed and countersigned; a dozen plaques hung before 八一, one replaced."""

from datetime import date

from qunfang.core.models import OrgUnit
from qunfang.petitions import services as petitions
from qunfang.petitions.models import Petition, Screening, State
from qunfang.plaques import services as plaques
from qunfang.plaques.models import Plaque


def test_the_demo_has_a_petition_to_its_end_a_screening_and_plaques(demo):
    jingkou = OrgUnit.objects.get(name="迳口村")
    petition = Petition.objects.under(jingkou).get()
    assert petition.state == State.CLOSED and petition.resolved_on_time and petition.satisfied
    assert list(petition.steps.values_list("step", flat=True)) == [
        "found",
        "registered",
        "resolved",
        "revisited",
    ]
    screening = Screening.objects.get(place=jingkou, month=date(2019, 12, 1))
    assert screening.countersigned_as.name == "龙颈镇" and screening.signed_by != screening.countersigned_by
    hung = Plaque.objects.under(jingkou)
    assert hung.filter(reason="first").count() == 12 and hung.filter(reason="moved").count() == 1
    assert petitions.count_disagreements() == 0 and plaques.count_disagreements() == 0
