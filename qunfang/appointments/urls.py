from django.urls import path

from qunfang.appointments import mine, views

app_name = "appointments"

urlpatterns = [
    path("places/<int:place_id>/hall/", views.hall_page, name="hall"),
    path("halls/<int:hall_id>/slots/", views.slots_page, name="slots"),
    path("halls/<int:hall_id>/day/", views.day_page, name="day"),
    path("halls/<int:hall_id>/book/", views.book_page, name="book_for"),
    # the veteran's own (portal)
    path("my/appointments/", mine.my_appointments, name="mine"),
    path("my/appointments/book/", mine.my_book, name="my_book"),
    path("my/appointments/<int:appointment_id>/", mine.my_appointment, name="my_appointment"),
]
