from django.urls import path

from qunfang.mobilization import views

app_name = "mobilization"

urlpatterns = [
    path("places/<int:place_id>/activities/", views.stats, name="stats"),
    path("places/<int:place_id>/activities/day/", views.day_entry, name="day_entry"),
    path("places/<int:place_id>/activities/records/", views.ledger, name="ledger"),
    path("places/<int:place_id>/activities/export.xlsx", views.stats_export, name="stats_export"),
    path("activity-records/<int:record_id>/correct/", views.correct, name="correct"),
    path("activity-records/<int:record_id>/photos/", views.record_photos, name="record_photos"),
    path("places/<int:place_id>/volunteers/", views.volunteer_list, name="volunteers"),
    path("places/<int:place_id>/volunteers/new/", views.volunteer_new, name="volunteer_new"),
    path("places/<int:place_id>/volunteers/poster/", views.signup_poster, name="signup_poster"),
    path("volunteers/<int:volunteer_id>/", views.volunteer_detail, name="volunteer"),
    path("volunteers/<int:volunteer_id>/edit/", views.volunteer_edit, name="volunteer_edit"),
    path("volunteers/<int:volunteer_id>/confirm/", views.volunteer_confirm, name="volunteer_confirm"),
    path("volunteers/<int:volunteer_id>/reveal/", views.volunteer_reveal, name="volunteer_reveal"),
    path("join/<str:token>/", views.signup, name="signup"),
    path("places/<int:place_id>/teams/", views.team_list, name="teams"),
    path("places/<int:place_id>/teams/new/", views.team_new, name="team_new"),
    path("teams/<int:team_id>/edit/", views.team_edit, name="team_edit"),
    path("places/<int:place_id>/deployments/new/", views.deployment_new, name="deployment_new"),
    path("places/<int:place_id>/deeds/", views.deed_list, name="deeds"),
    path("places/<int:place_id>/deeds/new/", views.deed_new, name="deed_new"),
    path("deeds/<int:deed_id>/", views.deed_detail, name="deed"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
]
