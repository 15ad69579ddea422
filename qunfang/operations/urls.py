from django.urls import path

from qunfang.operations import views

app_name = "operations"

urlpatterns = [
    path("places/<int:place_id>/operations/", views.overview, name="overview"),
    path("places/<int:place_id>/staff/", views.staff_list, name="staff_list"),
    path("places/<int:place_id>/staff/new/", views.staff_new, name="staff_new"),
    path("places/<int:place_id>/sections/new/", views.section_new, name="section_new"),
    path("staff/<int:staff_member_id>/", views.staff_detail, name="staff"),
    path("staff/<int:staff_member_id>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/<int:staff_member_id>/check-in/", views.check_in_for, name="check_in_for"),
    path("staff/<int:staff_member_id>/return-screening/", views.return_screening, name="return_screening"),
    path("places/<int:place_id>/leading-groups/", views.group_list, name="groups"),
    path("places/<int:place_id>/leading-groups/new/", views.group_new, name="group_new"),
    path("leading-groups/<int:group_id>/", views.group_detail, name="group"),
    path(
        "group-members/<int:group_member_id>/remove/", views.group_member_remove, name="group_member_remove"
    ),
    path("places/<int:place_id>/plans/", views.plan_list, name="plans"),
    path("places/<int:place_id>/plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("places/<int:place_id>/tasks/", views.task_list, name="tasks"),
    path("my/tasks/", views.my_tasks, name="my_tasks"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/push-down/", views.task_push_down, name="task_push_down"),
    path("my/check-in/", views.my_check_in, name="my_check_in"),
    path("places/<int:place_id>/health/", views.health, name="health"),
    path("places/<int:place_id>/health/remind/", views.health_remind, name="health_remind"),
    path("places/<int:place_id>/leave/", views.leave_list, name="leave"),
    path("places/<int:place_id>/roster/", views.roster, name="roster"),
    path("places/<int:place_id>/roster/week.pdf", views.roster_pdf, name="roster_pdf"),
    path("places/<int:place_id>/roster/new/", views.shift_new, name="shift_new"),
    path("shifts/<int:shift_id>/", views.shift_detail, name="shift"),
    path("places/<int:place_id>/measures/", views.measures, name="measures"),
]
