"""{% submission_key %}: the hidden key every form that writes carries (core/once.py). A builtin, so
every template has it beside {% csrf_token %}."""

import uuid

from django import template
from django.utils.html import format_html

from qunfang.core.once import FIELD

register = template.Library()


@register.simple_tag
def submission_key() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4().hex)
