"""The kept counts checked against the dues and contacts, and made again from them (`qunfang tallies`);
and the dues themselves made again from the rules (after a bulk roll import, which sends no signals)."""

from qunfang.care.models import CareRule, ContactTotal, DueTotal
from qunfang.care.services import dues
from qunfang.core import audit
from qunfang.core.writes import service, writes_nothing


@writes_nothing
def count_disagreements() -> int:
    """How many kept counts (dues and contacts) differ from the rows summed up the tree."""
    return dues.DUES.count_disagreements(dues.own_dues_sql()) + dues.CONTACTS.count_disagreements(
        dues.own_contacts_sql()
    )


@service
def rebuild_totals() -> int:
    rebuilt = dues.DUES.rebuild(dues.own_dues_sql()) + dues.CONTACTS.rebuild(dues.own_contacts_sql())
    audit.record(by=None, action="care.rebuild_totals", place=None, target=DueTotal, after={"rows": rebuilt})
    return rebuilt


@service
def resettle_dues() -> int:
    """Every rule's dues made what they should be (people imported in bulk get theirs)."""
    rules = list(CareRule.objects.filter(active=True).select_related("place"))
    for rule in rules:
        dues.follow_rule(rule)
    audit.record(
        by=None, action="care.resettle", place=None, target=ContactTotal, after={"rules": len(rules)}
    )
    return len(rules)


SETTLE_A_TRANSACTION = 200  # people: a short write lock (SQLite has one for the whole database)


@writes_nothing
def added_without_dues(days: int = 2) -> list[int]:
    """The people added in the last `days` and owed nothing: those a roll import added in bulk (its
    insert sends no signals, so their dues were not made as they came), and those no rule is over."""
    from datetime import timedelta

    from django.utils import timezone

    from qunfang.registry.models import Status, Veteran

    if not CareRule.objects.filter(active=True).exists():
        return []  # no rule in force: nothing is due them (a campaign's own roll of 10,000, say)
    since = timezone.now() - timedelta(days=days)
    fresh = Veteran.objects.filter(created_at__gte=since, status=Status.ACTIVE, care_dues=None)
    return list(fresh.order_by("pk").values_list("pk", flat=True))


@service
def settle_people(ids: list[int]) -> int:
    """The dues of these people settled (the task gives a few hundred a transaction)."""
    from qunfang.registry.models import Veteran

    count = 0
    for veteran in Veteran.objects.filter(pk__in=ids, care_dues=None).order_by("pk"):
        dues.follow_veteran(veteran)
        count += 1
    if count:
        audit.record(
            by=None, action="care.settle_new", place=None, target=ContactTotal, after={"people": count}
        )
    return count
