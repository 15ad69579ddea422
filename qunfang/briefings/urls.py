from django.urls import path

from qunfang.briefings import views

app_name = "briefings"

urlpatterns = [
    path("places/<int:place_id>/dashboard/", views.dashboard, name="dashboard"),
    path("places/<int:place_id>/briefings/", views.briefing_list, name="briefings"),
    path("briefings/<int:briefing_id>/", views.briefing_detail, name="briefing"),
    path("briefings/<int:briefing_id>/briefing.docx", views.briefing_docx, name="briefing_docx"),
    path("briefings/<int:briefing_id>/briefing.pdf", views.briefing_pdf, name="briefing_pdf"),
    path("briefings/<int:briefing_id>/<str:action>/", views.briefing_action, name="briefing_action"),
    path("places/<int:place_id>/notices/", views.notice_list, name="notices"),
    path("places/<int:place_id>/notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:notice_id>/", views.notice_detail, name="notice"),
    path("notices/<int:notice_id>/publish/", views.notice_publish, name="notice_publish"),
    path("public/places/<int:place_id>/", views.public_place, name="public_place"),
    path("public/notices/<int:notice_id>/", views.public_notice, name="public_notice"),
    path("public/briefings/<int:briefing_id>/", views.public_briefing, name="public_briefing"),
]
