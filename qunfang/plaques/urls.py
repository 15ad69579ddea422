from django.urls import path

from qunfang.plaques import views

app_name = "plaques"

urlpatterns = [
    path("places/<int:place_id>/plaques/", views.plaque_list, name="list"),
    path("places/<int:place_id>/plaques/to-hang/", views.to_hang, name="to_hang"),
    path("veterans/<int:veteran_id>/plaque/", views.household, name="household"),
]
