from django.urls import path

from qunfang.portal import views

app_name = "portal"

urlpatterns = [
    path("my/", views.home, name="home"),
    path("my/sign-in/", views.sign_in, name="sign_in"),
    path("my/sign-in/code/", views.enter_code, name="enter_code"),
    path("my/sign-out/", views.sign_out, name="sign_out"),
    path("my/act-for/<int:veteran_id>/", views.act_for, name="act_for"),
]
