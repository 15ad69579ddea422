"""The community's API under /api/v1/community: one router a topic, joined here."""

from ninja import Router

from qunfang.community.api import checkpoints, management, operations, register

router = Router(tags=["community"])
# management's operations sit on operations' router (a path is one router's): each router joined once.
for topic_router in dict.fromkeys(topic.router for topic in (register, checkpoints, operations, management)):
    router.add_router("", topic_router)
