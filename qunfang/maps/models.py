"""Maps: a place's shape (its boundary, GeoJSON Polygon or MultiPolygon, kept as JSON with its bounding
box and, for a big one, a lighter copy for display) and a station's position (a point). Coordinates are
WGS-84 longitude and latitude, as GeoJSON (RFC 7946) has them; a point read off an Amap or Tencent map
is GCJ-02 and lies a few hundred metres off: convert it before the import. `drawn_for_demo` marks a
shape or point the demo drew, which the map says is not real."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import OrgUnit


class PlaceShape(models.Model):
    place = models.OneToOneField(OrgUnit, on_delete=models.CASCADE, related_name="+")
    geometry = models.JSONField(_("boundary"))  # {"type": "Polygon"|"MultiPolygon", "coordinates": ...}
    display = models.JSONField(null=True, blank=True)  # the simplified copy, when the boundary is big
    points = models.PositiveIntegerField(default=0)
    west = models.FloatField()
    south = models.FloatField()
    east = models.FloatField()
    north = models.FloatField()
    drawn_for_demo = models.BooleanField(default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("place's shape")
        verbose_name_plural = _("places' shapes")
        ordering = ["place__path"]

    def __str__(self) -> str:
        return str(self.place)

    @property
    def shown(self) -> dict:
        """What the map draws: the light copy where there is one."""
        return self.display or self.geometry


class StationPosition(models.Model):
    place = models.OneToOneField(OrgUnit, on_delete=models.CASCADE, related_name="+")
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    drawn_for_demo = models.BooleanField(default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("station's position")
        verbose_name_plural = _("stations' positions")
        ordering = ["place__path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lon__gte=-180, lon__lte=180, lat__gte=-90, lat__lte=90),
                name="a_position_on_earth",
            )
        ]

    def __str__(self) -> str:
        return str(self.place)
