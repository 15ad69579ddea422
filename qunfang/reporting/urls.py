from django.urls import path

from qunfang.reporting import views

app_name = "reporting"

urlpatterns = [
    path("places/<int:place_id>/reports/", views.place_reporting, name="place"),
    path("places/<int:place_id>/reports/submit/", views.submit, name="submit"),
    path("places/<int:place_id>/reports/approve-all/", views.approve_all, name="approve_all"),
    path("places/<int:place_id>/reports/remind/", views.remind, name="remind"),
    path("places/<int:place_id>/reports/export.xlsx", views.export, name="export"),
    path("reports/<int:report_id>/", views.report_detail, name="report"),
    path("reports/<int:report_id>/review/", views.review, name="review"),
    path("places/<int:place_id>/data-sets/", views.data_sets, name="data_sets"),
    path("places/<int:place_id>/data-sets/new/", views.data_set_new, name="data_set_new"),
    path("data-sets/<int:data_set_id>/", views.data_set_edit, name="data_set_edit"),
]
