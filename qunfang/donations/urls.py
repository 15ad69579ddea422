from django.urls import path

from qunfang.donations import views

app_name = "donations"

urlpatterns = [
    path("places/<int:place_id>/donations/", views.overview, name="overview"),
    path("places/<int:place_id>/donations/new/", views.cash_new, name="cash_new"),
    path("places/<int:place_id>/donors/pick/", views.donor_pick, name="donor_pick"),
    path("donations/<int:donation_id>/", views.cash_detail, name="cash"),
    path("donations/<int:donation_id>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("places/<int:place_id>/drives/new/", views.drive_new, name="drive_new"),
    path("drives/<int:drive_id>/", views.drive_detail, name="drive"),
    path("places/<int:place_id>/donors/", views.donor_list, name="donors"),
    path("donors/<int:donor_id>/", views.donor_detail, name="donor"),
    path("places/<int:place_id>/handovers/", views.handover_list, name="handovers"),
    path("handovers/<int:handover_id>/", views.handover_detail, name="handover"),
    path("handovers/<int:handover_id>/sheet.pdf", views.handover_pdf, name="handover_pdf"),
    path("places/<int:place_id>/stock/", views.stock, name="stock"),
    path("stock-moves/<int:move_id>/correct/", views.move_correct, name="move_correct"),
]
