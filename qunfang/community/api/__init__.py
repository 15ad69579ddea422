"""The community's API under /api/v1/community: one router a topic, joined here."""

from ninja import Router

from qunfang.community.api import checkpoints, operations, register

router = Router(tags=["community"])
for topic in (register, checkpoints, operations):
    router.add_router("", topic.router)
