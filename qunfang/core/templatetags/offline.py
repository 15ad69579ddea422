"""{% outbox_setup %}: what core/static/core/outbox.js needs on a signed-in page (core/offline.py)."""

from django import template
from django.utils.html import json_script

from qunfang.core.offline import offline_setup

register = template.Library()


@register.simple_tag(takes_context=True)
def outbox_setup(context) -> str:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    return json_script(offline_setup(request), "outbox-setup")
