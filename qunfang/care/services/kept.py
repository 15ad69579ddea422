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
