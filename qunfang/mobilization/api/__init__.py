"""Mobilization under /api/v1, one module a topic, on one router (a router of routers would hide the
topics' operations from `api._routers`, which the twins test reads)."""

from qunfang.mobilization.api import people  # noqa: F401 (adds its operations to the router)
from qunfang.mobilization.api.ledger import router

__all__ = ["router"]
