from django.urls import path

from qunfang.care import views

app_name = "care"

urlpatterns = [
    path("places/<int:place_id>/care/due/", views.due, name="due"),
    path("places/<int:place_id>/care/gone-up/", views.gone_up, name="gone_up"),
    path("places/<int:place_id>/care/rules/", views.rules, name="rules"),
    path("places/<int:place_id>/care/rounds/", views.rounds, name="rounds"),
    path("care/rules/<int:care_rule_id>/", views.rule_edit, name="rule"),
    path("care/rounds/<int:care_round_id>/", views.round_detail, name="round"),
    path("veterans/<int:veteran_id>/care/call/", views.call_number, name="call_number"),
    path("veterans/<int:veteran_id>/care/record/", views.record, name="record"),
    path("veterans/<int:veteran_id>/care/event/", views.event_new, name="event_new"),
    path("veterans/<int:veteran_id>/care/categories/", views.categories, name="categories"),
    path("care/contacts/<int:care_contact_id>/photo/", views.photo, name="photo"),
]
