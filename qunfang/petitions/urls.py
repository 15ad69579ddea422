from django.urls import path

from qunfang.petitions import views

app_name = "petitions"

urlpatterns = [
    path("places/<int:place_id>/petitions/", views.petition_list, name="list"),
    path("places/<int:place_id>/petitions/new/", views.petition_new, name="new"),
    path("places/<int:place_id>/petitions/pick-veteran/", views.veteran_pick, name="veteran_pick"),
    path("places/<int:place_id>/petitions/deadlines/", views.deadlines, name="deadlines"),
    path("places/<int:place_id>/risk-screening/", views.screening, name="screening"),
    path("petitions/<int:petition_id>/", views.petition_detail, name="detail"),
]
