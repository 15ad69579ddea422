from django.urls import path

from qunfang.registry import views

app_name = "registry"

urlpatterns = [
    path("veterans/", views.veteran_list, name="veterans"),
    path("veterans/export/", views.veteran_export, name="veteran_export"),
    path("veterans/exports/<int:export_id>/", views.roll_export, name="roll_export"),
    path("veterans/exports/<int:export_id>/file/", views.roll_export_file, name="roll_export_file"),
    path("veterans/<int:veteran_id>/", views.veteran_detail, name="veteran"),
    path("veterans/<int:veteran_id>/reveal/", views.veteran_reveal, name="veteran_reveal"),
    path("veterans/<int:veteran_id>/edit/", views.veteran_edit, name="veteran_edit"),
    path("veterans/<int:veteran_id>/move/", views.veteran_move, name="veteran_move"),
    path("veterans/<int:veteran_id>/family/new/", views.member_new, name="member_new"),
    path("family/<int:member_id>/edit/", views.member_edit, name="member_edit"),
    path("family/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path("family/<int:member_id>/reveal/", views.member_reveal, name="member_reveal"),
    path("places/<int:place_id>/veterans/new/", views.veteran_new, name="veteran_new"),
    path("places/<int:place_id>/veterans/import/", views.roll_upload, name="roll_upload"),
    path("roll-imports/<int:import_id>/", views.roll_import, name="roll_import"),
    path("roll-imports/<int:import_id>/confirm/", views.roll_import_confirm, name="roll_import_confirm"),
    path("roll-imports/<int:import_id>/errors.xlsx", views.roll_import_errors, name="roll_import_errors"),
]
