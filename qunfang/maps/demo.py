"""Qingxin's map for the demo, through the same services as the import page. No real boundary is at
hand offline, so the shapes are DRAWN FOR THE DEMO: a rough outline of the district near its real place
(about 113.0°E, 23.7°N) split Voronoi-like around made-up town centres, each town split again around
its villages; the stations sit at those centres. All of it is marked `drawn_for_demo`, and the map says
so (示意边界，仅供演示)."""

from __future__ import annotations

import math

from qunfang.core.models import Level, OrgUnit, User
from qunfang.maps import services
from qunfang.maps.geometry import AREAS, features_of
from qunfang.maps.models import PlaceShape

# A rough convex outline of the district, WGS-84 [lon, lat], drawn by hand for the demo.
OUTLINE = [
    [112.78, 23.62], [112.95, 23.52], [113.14, 23.55], [113.26, 23.68], [113.24, 23.92],
    [113.12, 24.10], [112.94, 24.12], [112.80, 23.98], [112.74, 23.80],
]  # fmt: skip
# Made-up town centres, placed roughly as the towns lie (the district seat 太和镇 in the south).
TOWN_CENTRES = {
    "441803102": (113.02, 23.70),  # 太和镇
    "441803104": (112.92, 23.62),  # 太平镇
    "441803105": (113.16, 23.76),  # 山塘镇
    "441803106": (113.14, 23.63),  # 三坑镇
    "441803112": (112.86, 23.86),  # 龙颈镇
    "441803113": (112.86, 23.72),  # 禾云镇
    "441803117": (113.00, 24.02),  # 浸潭镇
    "441803118": (113.10, 23.92),  # 石潭镇
}


def load() -> list[str]:
    district = OrgUnit.objects.filter(code="441803000000").first()
    admin = User.objects.filter(username="qx_admin").first()
    if district is None or PlaceShape.objects.filter(place=district).exists():
        return []
    towns = list(
        OrgUnit.objects.filter(parent=district, code__in=[f"{c}000" for c in TOWN_CENTRES]).order_by("code")
    )
    centres = {t.pk: TOWN_CENTRES[t.code[:9]] for t in towns}
    # The codes as DataV writes them (6 digits a district, 9 a town): the import pads them.
    features = [_feature("441803", OUTLINE)]
    points = [_point("441803", (113.03, 23.72))]
    for town in towns:
        cell = _cell(OUTLINE, centres[town.pk], [c for pk, c in centres.items() if pk != town.pk])
        features.append(_feature(town.code[:9], cell))
        points.append(_point(town.code[:9], centres[town.pk]))
        villages = list(OrgUnit.objects.filter(parent=town, level=Level.VILLAGE).order_by("code"))
        spots = _spots(centres[town.pk], len(villages))
        for village, spot in zip(villages, spots, strict=True):
            others = [s for s in spots if s != spot]
            features.append(_feature(village.code, _cell(cell, spot, others)))
            points.append(_point(village.code, spot))
    services.import_shapes(
        by=admin, place=district, features=features_of(features, kinds=AREAS), drawn_for_demo=True
    )
    services.import_positions(
        by=admin, place=district, features=features_of(points, kinds=("Point",)), drawn_for_demo=True
    )
    return [f"Maps: {len(features)} boundaries and {len(points)} stations' positions, drawn for the demo"]


def _feature(code: str, ring: list) -> dict:
    closed = [[round(x, 5), round(y, 5)] for x, y in ring]
    closed.append(closed[0])
    return {
        "type": "Feature",
        "properties": {"code": code},
        "geometry": {"type": "Polygon", "coordinates": [closed]},
    }


def _point(code: str, at: tuple) -> dict:
    return {
        "type": "Feature",
        "properties": {"code": code},
        "geometry": {"type": "Point", "coordinates": list(at)},
    }


def _spots(centre: tuple, count: int) -> list[tuple]:
    """Made-up village centres around the town's: one at the centre, the rest on a small ring."""
    if count <= 1:
        return [centre][:count]
    ring = [
        (centre[0] + 0.045 * math.cos(2 * math.pi * k / (count - 1) + 0.6),
         centre[1] + 0.04 * math.sin(2 * math.pi * k / (count - 1) + 0.6))
        for k in range(count - 1)
    ]  # fmt: skip
    return [centre, *ring]


def _cell(polygon: list, own: tuple, others: list[tuple]) -> list:
    """The part of a convex polygon nearer `own` than any of `others` (a Voronoi cell, clipped)."""
    cell = [tuple(p) for p in polygon]
    for other in others:
        cell = _clip(cell, own, other)
    return cell


def _clip(polygon: list, a: tuple, b: tuple) -> list:
    """Sutherland–Hodgman against the half-plane of points nearer a than b."""
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    dx, dy = b[0] - a[0], b[1] - a[1]

    def side(p):
        return (p[0] - mx) * dx + (p[1] - my) * dy  # <= 0: a's side

    found = []
    for i, current in enumerate(polygon):
        previous = polygon[i - 1]
        if (side(current) <= 0) != (side(previous) <= 0):
            t = side(previous) / (side(previous) - side(current))
            found.append(
                (previous[0] + t * (current[0] - previous[0]), previous[1] + t * (current[1] - previous[1]))
            )
        if side(current) <= 0:
            found.append(current)
    return found
