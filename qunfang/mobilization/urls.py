from django.urls import path

from qunfang.mobilization import views

app_name = "mobilization"

urlpatterns = [
    path("places/<int:place_id>/activities/", views.stats, name="stats"),
    path("places/<int:place_id>/activities/day/", views.day_entry, name="day_entry"),
    path("places/<int:place_id>/activities/records/", views.ledger, name="ledger"),
    path("places/<int:place_id>/activities/export.xlsx", views.stats_export, name="stats_export"),
    path("activity-records/<int:record_id>/correct/", views.correct, name="correct"),
]
