"""What the map of a place shows: its children's shapes shaded by one figure, the stations below as
points. The figure of each child is read through the app that owns it (lib/figures: the same call the
child's own dashboard makes), never summed here from raw rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.lib.figures import figures_of_apps
from qunfang.maps.models import PlaceShape, StationPosition

VIEW = Capability.VIEW_ACTIVITIES
MANAGE = Capability.MANAGE_PLACES
MOST_STATIONS = 5000  # points on one map


@dataclass(frozen=True)
class Choice:
    """A figure the map may be shaded by: the app whose block holds it and how to read it."""

    key: str
    label: str
    app: str
    unit: str = ""

    def value(self, block: Any) -> tuple[float | None, str]:
        """The child's value for the shading and the text the list shows."""
        if block is None:
            return None, "—"
        if self.key == "reports":
            if not block.expected:
                return None, "—"
            share = round(100 * block.reported / block.expected)
            return share, f"{block.reported}/{block.expected} ({share}%)"
        if self.key == "visits_overdue":
            return block.visits_overdue, str(block.visits_overdue)
        code = self.key.removeprefix("activity:")
        count = next((a["count"] for a in block.activities if a["code"] == code), 0)
        return count, f"{count}"


def choices(scope: Scope, place: OrgUnit, start: date, end: date) -> list[Choice]:
    """The figures offered: the daily reports in (share of those expected), home visits overdue, and
    each activity the place saw in the period (each in its own unit: units are never added)."""
    found = [
        Choice("reports", _("Daily reports in (share of those expected)"), "reporting"),
        Choice("visits_overdue", _("Home visits overdue"), "care"),
    ]
    sources = {s.app: s.read for s in figures_of_apps()}
    if "mobilization" in sources:
        for row in sources["mobilization"](scope, place, start, end).activities:
            if row["count"]:
                label = _("Activities: %(name)s (%(unit)s)") % {"name": row["name"], "unit": row["unit"]}
                found.append(Choice(f"activity:{row['code']}", label, "mobilization", row["unit"]))
    return [c for c in found if c.app in sources]


@dataclass
class Region:
    place: OrgUnit
    value: float | None
    text: str
    url: str
    shape: dict | None = None


@dataclass
class MapData:
    place: OrgUnit
    start: date
    end: date
    choice: Choice | None
    choices: list[Choice]
    regions: list[Region] = field(default_factory=list)
    stations: list[StationPosition] = field(default_factory=list)
    drawn_for_demo: bool = False

    @property
    def has_shapes(self) -> bool:
        return any(r.shape for r in self.regions)

    def for_chart(self) -> dict:
        """What the page's script draws (JSON in a script tag)."""
        features = [
            {"type": "Feature", "properties": {"name": f"p{r.place.pk}"}, "geometry": r.shape}
            for r in self.regions
            if r.shape
        ]
        values = [r.value for r in self.regions if r.value is not None]
        return {
            "map": f"place-{self.place.pk}",
            "geojson": {"type": "FeatureCollection", "features": features} if features else None,
            "regions": [
                {
                    "name": f"p{r.place.pk}",
                    "label": r.place.name,
                    "value": r.value,
                    "text": r.text,
                    "url": r.url,
                }
                for r in self.regions
            ],
            "stations": [{"name": s.place.name, "value": [s.lon, s.lat]} for s in self.stations],
            "figure": self.choice.label if self.choice else "",
            "min": min(values, default=0),
            "max": max(values, default=0),
        }


def map_data(scope: Scope, place: OrgUnit, start: date, end: date, figure: str = "") -> MapData:
    """The map of `place` as `scope` may see it: each child with its figure (as the child's own
    dashboard reads it) and its shape, and the stations under the place with their positions."""
    offered = choices(scope, place, start, end)
    choice = next((c for c in offered if c.key == figure), offered[0] if offered else None)
    found = MapData(place=place, start=start, end=end, choice=choice, choices=offered)
    children = list(
        OrgUnit.objects.visible_to(scope, VIEW).filter(parent=place).order_by("code", "sort_name")
    )
    shapes = {s.place_id: s for s in PlaceShape.objects.visible_to(scope, VIEW).filter(place__in=children)}
    read = {s.app: s.read for s in figures_of_apps()}.get(choice.app) if choice else None
    for child in children:
        block = read(scope, child, start, end) if read else None
        value, text = choice.value(block) if choice else (None, "—")
        shape = shapes.get(child.pk)
        found.regions.append(
            Region(child, value, text, dashboard_url(child, start, end, choice), shape and shape.shown)
        )
        found.drawn_for_demo |= bool(shape and shape.drawn_for_demo)
    found.stations = list(
        StationPosition.objects.visible_to(scope, VIEW).under(place).select_related("place")[:MOST_STATIONS]
    )
    found.drawn_for_demo |= any(s.drawn_for_demo for s in found.stations)
    return found


def dashboard_url(place: OrgUnit, start: date, end: date, choice: Choice | None) -> str:
    query = {"start": start.isoformat(), "end": end.isoformat()}
    if choice:
        query["map_figure"] = choice.key
    return f"{reverse('briefings:dashboard', args=[place.pk])}?{urlencode(query)}"


def shapes(scope: Scope, place: OrgUnit):
    """The shapes of the place and the places below it."""
    return PlaceShape.objects.visible_to(scope, VIEW).under(place).select_related("place")


def positions(scope: Scope, place: OrgUnit):
    """The positions of the stations at the place and below it."""
    return StationPosition.objects.visible_to(scope, VIEW).under(place).select_related("place")
