"""The dashboard's map card: {% district_map %} reads the map of the page's place and period
(maps/selectors.py) for the figure the page asks for (?map_figure=)."""

from django import template

from qunfang.maps.selectors import MANAGE, map_data

register = template.Library()


@register.inclusion_tag("maps/_map.html", takes_context=True)
def district_map(context):
    request, place = context["request"], context["place"]
    found = map_data(
        request.scope, place, context["start"], context["end"], request.GET.get("map_figure", "")[:60]
    )
    return {
        "map": found,
        "chart": found.for_chart(),
        "place": place,
        "start": context["start"],
        "end": context["end"],
        "may_import": request.scope.allows(MANAGE, place),
        "echarts_loaded": bool(context.get("chart", {}).get("series")),
    }
