from django.urls import path

from qunfang.messaging import views

app_name = "messaging"

urlpatterns = [
    path("places/<int:place_id>/campaigns/", views.campaigns, name="campaigns"),
    path("places/<int:place_id>/campaigns/new/", views.campaign_new, name="campaign_new"),
    path("places/<int:place_id>/templates/new/", views.template_new, name="template_new"),
    path(
        "places/<int:place_id>/campaigns/outside/new/",
        views.outside_campaign_new,
        name="outside_campaign_new",
    ),
    path(
        "outside-campaigns/<int:outside_campaign_id>/receipt/",
        views.outside_campaign_receipt,
        name="outside_campaign_receipt",
    ),
    path("campaigns/<int:campaign_id>/", views.campaign, name="campaign"),
    path("campaigns/<int:campaign_id>/start/", views.campaign_start, name="campaign_start"),
    path("campaigns/<int:campaign_id>/retry/", views.campaign_retry, name="campaign_retry"),
    path("campaigns/<int:campaign_id>/schedule/", views.campaign_schedule, name="campaign_schedule"),
    path("campaigns/<int:campaign_id>/unschedule/", views.campaign_unschedule, name="campaign_unschedule"),
    path("places/<int:place_id>/campaigns/count/", views.campaign_count, name="campaign_count"),
    path("calls/", views.my_campaigns, name="my_campaigns"),
    path("campaigns/<int:campaign_id>/calls/", views.calls, name="calls"),
    path("calls/<int:message_id>/number/", views.call_number, name="call_number"),
    path("calls/<int:message_id>/record/", views.call_record, name="call_record"),
]
