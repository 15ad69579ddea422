from django.urls import path

from qunfang.community import views

app_name = "community"

urlpatterns = [
    path("places/<int:place_id>/register/", views.register, name="register"),
    path("places/<int:place_id>/register/buildings/new/", views.building_new, name="building_new"),
    path("places/<int:place_id>/register/import/", views.register_import, name="import"),
    path("buildings/<int:building_id>/", views.building, name="building"),
    path("buildings/<int:building_id>/households/new/", views.household_new, name="household_new"),
    path("households/<int:household_id>/", views.household, name="household"),
    path("households/<int:household_id>/residents/new/", views.resident_new, name="resident_new"),
    path("residents/<int:resident_id>/status/", views.resident_status, name="resident_status"),
]
