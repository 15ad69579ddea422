from django.urls import path

from qunfang.community.views import register

app_name = "community"

urlpatterns = [
    path("places/<int:place_id>/register/", register.register, name="register"),
    path("places/<int:place_id>/register/buildings/new/", register.building_new, name="building_new"),
    path("places/<int:place_id>/register/import/", register.register_import, name="import"),
    path("buildings/<int:building_id>/", register.building, name="building"),
    path("buildings/<int:building_id>/households/new/", register.household_new, name="household_new"),
    path("households/<int:household_id>/", register.household, name="household"),
    path("households/<int:household_id>/residents/new/", register.resident_new, name="resident_new"),
    path("residents/<int:resident_id>/status/", register.resident_status, name="resident_status"),
]
