"""Reads of the veterans roll, scope first."""

from django.db.models import QuerySet

from qunfang.core.access import Scope
from qunfang.core.personal import ID_NUMBER, PHONE, index_of
from qunfang.core.roles import Capability
from qunfang.registry.models import Veteran


def find_index(text: str) -> tuple[str, str] | None:
    """If the search text is an ID number or a mobile, the (field, blind index) to look it up by."""
    for field, kind in (("id_number_index", ID_NUMBER), ("phone_index", PHONE)):
        index = index_of(kind, text)
        if index:
            return field, index
    return None


def veterans(scope: Scope, *, search: str = "", status: str = "", category: str = "") -> QuerySet[Veteran]:
    """Veterans the user may see. A search that is an ID number or a mobile is an exact lookup through
    the blind index; anything else matches names."""
    found = Veteran.objects.visible_to(scope, Capability.VIEW_VETERANS).select_related("place")
    if search:
        lookup = find_index(search)
        found = found.filter(**{lookup[0]: lookup[1]}) if lookup else found.filter(name__icontains=search)
    if status:
        found = found.filter(status=status)
    if category:
        found = found.filter(category=category)
    return found
