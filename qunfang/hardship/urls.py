from django.urls import path

from qunfang.hardship import views

app_name = "hardship"

urlpatterns = [
    path("places/<int:place_id>/hardship/", views.case_list, name="cases"),
    path("places/<int:place_id>/hardship/new/", views.case_new, name="case_new"),
    path("places/<int:place_id>/hardship/veterans/pick/", views.veteran_pick, name="veteran_pick"),
    path("hardship/cases/<int:case_id>/", views.case_detail, name="case"),
    path("hardship/cases/<int:case_id>/send/", views.case_send, name="case_send"),
    path("hardship/cases/<int:case_id>/decide/", views.case_decide, name="case_decide"),
    path("hardship/cases/<int:case_id>/pay/", views.case_pay, name="case_pay"),
    path("hardship/cases/<int:case_id>/follow-up/", views.case_follow_up, name="case_follow_up"),
    path("hardship/cases/<int:case_id>/attach/", views.case_attach, name="case_attach"),
    path("hardship/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("places/<int:place_id>/hardship/funds/", views.fund_list, name="funds"),
    path("hardship/funds/<int:fund_id>/", views.fund_detail, name="fund"),
    path("hardship/fund-lines/<int:line_id>/reverse/", views.line_reverse, name="line_reverse"),
    path("places/<int:place_id>/hardship/rules/", views.rule_list, name="rules"),
    path("hardship/rules/<int:rule_id>/end/", views.rule_end, name="rule_end"),
]
