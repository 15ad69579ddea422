"""Every page that writes has a twin in the JSON API over the same service, so that an integrator (a
province's platform, a script) can do whatever a user can. A page view says which API operation is its
twin, or why it has none; `qunfang/tests/test_api_twins.py` fails for a writing page that says neither.

    @api_twin("qunfang.donations.api.record_gift")
    def gift_new(request, place_id): ...

    @page_only("signs the browser out; a token is revoked with DELETE /api/v1/tokens/{id}")
    def sign_out(request): ...
"""

from collections.abc import Callable

TWIN = "api_twin"
PAGE_ONLY = "page_only"


def api_twin(*operations: str) -> Callable:
    """Names the API operation(s), as dotted paths of their functions, doing what this page writes."""

    def mark(view):
        setattr(view, TWIN, operations)
        return view

    return mark


def page_only(reason: str) -> Callable:
    """Marks a page whose writing has no place in the API, with the reason (said in English)."""

    def mark(view):
        setattr(view, PAGE_ONLY, reason)
        return view

    return mark
