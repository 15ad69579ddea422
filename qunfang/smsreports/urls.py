from django.urls import path

from qunfang.smsreports import views

app_name = "smsreports"

urlpatterns = [
    path("places/<int:place_id>/sms/", views.phones, name="phones"),
    path("places/<int:place_id>/sms/phones/new/", views.phone_new, name="phone_new"),
    path("sms-phones/<int:phone_id>/retire/", views.phone_retire, name="phone_retire"),
    path("places/<int:place_id>/sms/keywords/", views.keyword_list, name="keywords"),
    path("places/<int:place_id>/sms/inbound/", views.inbound, name="inbound"),
]
