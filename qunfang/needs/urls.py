from django.urls import path

from qunfang.needs import views

app_name = "needs"

urlpatterns = [
    path("places/<int:place_id>/needs/", views.need_list, name="list"),
    path("places/<int:place_id>/needs/new/", views.need_new, name="new"),
    path("needs/<int:need_id>/", views.need_detail, name="need"),
    path("needs/<int:need_id>/commit/", views.commit, name="commit"),
    path("needs/<int:need_id>/deliver/", views.deliver, name="deliver"),
    path("needs/<int:need_id>/close/", views.close, name="close"),
    path("need-commitments/<int:commitment_id>/withdraw/", views.withdraw, name="withdraw"),
    path("open-needs/<str:share_key>/", views.public_place, name="public_place"),
    path("open-needs/need/<str:share_key>/", views.public_need, name="public_need"),
]
