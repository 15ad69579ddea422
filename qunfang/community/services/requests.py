"""Writes of residents' requests: taken (by phone, at the gate, at the door), assigned to a person or a
volunteer, answered (a standard answer reused, or in the answerer's words) and closed; and the shared
standard answers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.community.models import (
    Household,
    RequestCategory,
    RequestChannel,
    RequestStatus,
    ResidentRequest,
    StandardAnswer,
)
from qunfang.community.services.register import community_of
from qunfang.core import audit
from qunfang.core.models import OrgUnit, User
from qunfang.core.writes import service


@service
def take_request(
    *,
    by: User | None,
    community: OrgUnit,
    channel: str,
    category: str,
    text: str,
    household: Household | None = None,
) -> ResidentRequest:
    community = community_of(community)
    if channel not in RequestChannel.values:
        raise ValidationError({"channel": _("Choose how the request came.")})
    if category not in RequestCategory.values:
        raise ValidationError({"category": _("Choose a category from the list.")})
    if not text.strip():
        raise ValidationError({"text": _("Write down the request or question.")})
    if household is not None and household.building.community_id != community.pk:
        raise ValidationError({"household": _("The household must be in this community.")})
    taken = ResidentRequest.objects.create(
        community=community,
        place_id=household.place_id if household else community.pk,
        household=household,
        channel=channel,
        category=category,
        text=text.strip()[:500],
        created_by=audit.acting_user(by),
    )
    audit.record(by=by, action="request.create", place=taken.place, target=taken)
    return taken


@service
def assign_request(
    *, by: User | None, resident_request: ResidentRequest, person: User | None = None, volunteer=None
):
    """Given to a staff member or a volunteer (a delivery to a quarantined household)."""
    if person is None and volunteer is None:
        raise ValidationError({"person": _("Choose someone to take it on.")})
    if resident_request.status == RequestStatus.DONE:
        raise ValidationError(_("This request is done already."))
    resident_request.assigned_to, resident_request.volunteer = person, volunteer
    resident_request.status = RequestStatus.ASSIGNED
    resident_request.save(update_fields=["assigned_to", "volunteer", "status"])
    audit.record(
        by=by, action="request.assign", place=resident_request.place, target=resident_request,
        after={"person": getattr(person, "pk", None), "volunteer": getattr(volunteer, "pk", None)},
    )  # fmt: skip
    return resident_request


@service
def answer_request(
    *,
    by: User | None,
    resident_request: ResidentRequest,
    answer: str = "",
    standard: StandardAnswer | None = None,
) -> ResidentRequest:
    """Answered and done; a standard answer's text is copied, so editing the list later leaves what the
    resident was told as it was."""
    text = (answer.strip() or (standard.answer if standard else "")).strip()
    if not text:
        raise ValidationError({"answer": _("Write the answer, or pick a standard one.")})
    if resident_request.status == RequestStatus.DONE:
        raise ValidationError(_("This request is done already."))
    resident_request.answer, resident_request.status = text, RequestStatus.DONE
    resident_request.done_at = timezone.now()
    resident_request.save(update_fields=["answer", "status", "done_at"])
    audit.record(by=by, action="request.answer", place=resident_request.place, target=resident_request)
    return resident_request


@service
def save_standard_answer(
    *,
    by: User | None,
    place: OrgUnit,
    category: str,
    question: str,
    answer: str,
    existing: StandardAnswer | None = None,
) -> StandardAnswer:
    if category not in RequestCategory.values:
        raise ValidationError({"category": _("Choose a category from the list.")})
    if not question.strip() or not answer.strip():
        raise ValidationError(_("Write both the question and its answer."))
    item = existing or StandardAnswer(place=place)
    item.category, item.question, item.answer = category, question.strip()[:200], answer.strip()
    item.save()
    audit.record(by=by, action="answer.save", place=item.place, target=item)
    return item
