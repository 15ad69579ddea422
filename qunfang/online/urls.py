from django.urls import path

from qunfang.online import my_views, views

app_name = "online"

urlpatterns = [
    path("places/<int:place_id>/online/", views.queue, name="queue"),
    path("places/<int:place_id>/online/applications/", views.application_list, name="applications"),
    path("online/applications/<int:online_application_id>/", views.application_detail, name="application"),
    path("online/applications/<int:online_application_id>/review/", views.review, name="review"),
    path("online/documents/<int:online_document_id>/", views.document, name="document"),
    path("places/<int:place_id>/online/services/", views.service_list, name="services"),
    path("places/<int:place_id>/online/services/new/", views.service_new, name="service_new"),
    path("online/services/<int:online_service_id>/", views.service_edit, name="service_edit"),
    # The veteran's own pages (portal sign-in).
    path("my/online/", my_views.offered, name="my_services"),
    path("my/online/services/<int:online_service_id>/apply/", my_views.apply, name="my_apply"),
    path("my/online/applications/", my_views.mine, name="my_applications"),
    path(
        "my/online/applications/<int:online_application_id>/",
        my_views.application_detail,
        name="my_application",
    ),
    path(
        "my/online/applications/<int:online_application_id>/send-again/",
        my_views.send_again,
        name="my_send_again",
    ),
    path(
        "my/online/applications/<int:online_application_id>/withdraw/", my_views.withdraw, name="my_withdraw"
    ),
    path("my/online/documents/<int:online_document_id>/", my_views.document, name="my_document"),
]
