from django.urls import path

from qunfang.community.views import checkpoints, merchants, register, requests, screening

app_name = "community"

urlpatterns = [
    path("places/<int:place_id>/register/", register.register, name="register"),
    path("places/<int:place_id>/register/buildings/new/", register.building_new, name="building_new"),
    path("places/<int:place_id>/register/import/", register.register_import, name="import"),
    path("register-imports/<int:register_import_id>/", register.register_import_job, name="import_job"),
    path("places/<int:place_id>/register/export.xlsx", register.register_export, name="export"),
    path("buildings/<int:building_id>/", register.building, name="building"),
    path("buildings/<int:building_id>/households/new/", register.household_new, name="household_new"),
    path("households/<int:household_id>/", register.household, name="household"),
    path("households/<int:household_id>/residents/new/", register.resident_new, name="resident_new"),
    path("residents/<int:resident_id>/status/", register.resident_status, name="resident_status"),
    # checkpoints
    path("places/<int:place_id>/gates/", checkpoints.gates, name="gates"),
    path("places/<int:place_id>/gates/new/", checkpoints.gate_new, name="gate_new"),
    path("gates/", checkpoints.my_gates, name="my_gates"),
    path("gates/guard-sw.js", checkpoints.guard_worker, name="guard_worker"),
    path("gates/<int:gate_id>/", checkpoints.gate, name="gate"),
    path("gates/<int:gate_id>/guard/", checkpoints.guard, name="guard"),
    path("gates/<int:gate_id>/shifts/new/", checkpoints.shift_new, name="shift_new"),
    path("places/<int:place_id>/passes/", checkpoints.passes, name="passes"),
    path("places/<int:place_id>/passes/print.pdf", checkpoints.passes_pdf, name="passes_pdf"),
    path("households/<int:household_id>/passes/new/", checkpoints.pass_new, name="pass_new"),
    path("passes/<int:pass_id>/", checkpoints.pass_detail, name="pass"),
    path("passes/<int:pass_id>/pass.pdf", checkpoints.pass_pdf, name="pass_pdf"),
    # phone screening
    path("places/<int:place_id>/screening/", screening.rounds, name="screening"),
    path("places/<int:place_id>/screening/new/", screening.round_new, name="screening_new"),
    path("screening/<int:round_id>/", screening.round_detail, name="screening_round"),
    path("screening/<int:round_id>/calls/", screening.calls, name="screening_calls"),
    path("screening/<int:round_id>/export.xlsx", screening.round_export, name="screening_export"),
    path("screening/calls/<int:call_id>/number/", screening.call_number, name="screening_number"),
    path("screening/calls/<int:call_id>/", screening.call_record, name="screening_record"),
    # residents' requests and standard answers
    path("places/<int:place_id>/requests/", requests.request_list, name="requests"),
    path("places/<int:place_id>/requests/new/", requests.request_new, name="request_new"),
    path("requests/<int:request_id>/", requests.request_detail, name="request"),
    path("places/<int:place_id>/answers/", requests.standard_answers, name="answers"),
    path("answers/<int:answer_id>/", requests.standard_answer_edit, name="answer_edit"),
    # merchants
    path("places/<int:place_id>/merchants/", merchants.merchant_list, name="merchants"),
    path("places/<int:place_id>/merchants/new/", merchants.merchant_new, name="merchant_new"),
    path("merchants/<int:merchant_id>/", merchants.merchant_detail, name="merchant"),
    path("merchants/<int:merchant_id>/notice.pdf", merchants.notice_pdf, name="notice_pdf"),
    path("merchants/<int:merchant_id>/staff-book.pdf", merchants.staff_book_pdf, name="staff_book_pdf"),
]
