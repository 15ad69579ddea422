"""How lists and figures read, in every template without a {% load %}: days and moments with their
year when it is not this year (lib/dates), figures grouped by thousands and labels with their unit in
the page's language (lib/numbers)."""

from django import template

from qunfang.lib.dates import short_day, short_moment
from qunfang.lib.numbers import grouped, with_unit

register = template.Library()
register.filter("day", short_day)
register.filter("moment", short_moment)
register.filter("grouped", grouped)
register.filter("with_unit", with_unit)
