"""A bureau's operations under /api/v1/operations, one module a topic, on one router (a router of
routers would hide the topics' operations from `api._routers`, which the twins test reads)."""

from qunfang.operations.api import exports, groups  # noqa: F401 (they add their operations to the router)
from qunfang.operations.api.work import router

__all__ = ["router"]
