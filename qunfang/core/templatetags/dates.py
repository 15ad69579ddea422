"""Days and moments as lists show them, with the year when it is not this year (lib/dates), in every
template without a {% load %}."""

from django import template

from qunfang.lib.dates import short_day, short_moment

register = template.Library()
register.filter("day", short_day)
register.filter("moment", short_moment)
