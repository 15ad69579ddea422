from django.urls import path

from qunfang.maps import views

app_name = "maps"

urlpatterns = [
    path("places/<int:place_id>/map/shapes/", views.shapes_import, name="shapes"),
    path("places/<int:place_id>/map/positions/", views.positions_import, name="positions"),
    path("places/<int:place_id>/map/position/", views.position_edit, name="position"),
]
