from django.urls import path

from qunfang.registry import views

app_name = "registry"

urlpatterns = [
    path("veterans/", views.veteran_list, name="veterans"),
    path("veterans/<int:veteran_id>/", views.veteran_detail, name="veteran"),
    path("veterans/<int:veteran_id>/reveal/", views.veteran_reveal, name="veteran_reveal"),
    path("veterans/<int:veteran_id>/edit/", views.veteran_edit, name="veteran_edit"),
    path("places/<int:place_id>/veterans/new/", views.veteran_new, name="veteran_new"),
]
