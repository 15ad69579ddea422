"""The community's API under /api/v1/community: one router a topic, as the views and services are
split, joined here."""

from ninja import Router

from qunfang.community.api import checkpoints, merchants, register, requests, screening

router = Router(tags=["community"])
for topic in (register, checkpoints, screening, requests, merchants):
    router.add_router("", topic.router)
