"""The maps' forms: a file of boundaries or of positions, and one station's position."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ShapesFileForm(forms.Form):
    file = forms.FileField(
        label=_("GeoJSON file of boundaries"),
        help_text=_(
            "A FeatureCollection of Polygon or MultiPolygon features in WGS-84 longitude and latitude. Each "
            'feature is matched by its property "code" (the place\'s 12-digit or shorter division code), '
            'else by its property "name" among the places under this place.'
        ),
    )


class PositionsFileForm(forms.Form):
    file = forms.FileField(
        label=_("GeoJSON, Excel or CSV file of positions"),
        help_text=_(
            'GeoJSON Point features with a "code" or "name" property, or a sheet with the columns code '
            "(or name), lon and lat: WGS-84 degrees (a point read off an Amap or Tencent map is GCJ-02; "
            "convert it first)."
        ),
    )


class PositionForm(forms.Form):
    lon = forms.FloatField(label=_("Longitude (east, WGS-84)"), min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("Latitude (north, WGS-84)"), min_value=-90, max_value=90)
