from django.urls import path

from qunfang.core import offline, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    # Pages that work without a network (core/offline.py): the worker's scope is the site's root.
    path("offline-sw.js", offline.worker, name="offline_worker"),
    path("manifest.webmanifest", offline.manifest, name="offline_manifest"),
    path("offline/token/", offline.token, name="offline_token"),
    path("no-network/", offline.unavailable, name="offline_unavailable"),
    path("places/", views.place_search, name="place_search"),
    path("places/<int:place_id>/", views.place_detail, name="place"),
    path("places/<int:place_id>/edit/", views.place_edit, name="place_edit"),
    path("places/<int:place_id>/new/", views.place_add_child, name="place_add_child"),
    path("places/<int:place_id>/move/", views.place_move, name="place_move"),
    path("places/<int:place_id>/move/pick/", views.place_move_pick, name="place_move_pick"),
    path("places/<int:place_id>/below/pick/", views.place_pick_below, name="place_pick_below"),
    path("places/<int:place_id>/import/", views.place_import, name="place_import"),
    path("places/<int:place_id>/export.xlsx", views.place_export, name="place_export"),
    path("imports/<int:job_id>/", views.import_job, name="import_job"),
    path("places/<int:place_id>/users/new/", views.place_new_user, name="place_new_user"),
    path("places/<int:place_id>/members/add/", views.place_add_member, name="place_add_member"),
    path("users/", views.user_list, name="users"),
    path("users/<int:user_id>/", views.user_detail, name="user"),
    path("users/<int:user_id>/active/", views.user_set_active, name="user_set_active"),
    path("users/<int:user_id>/password/", views.user_set_password, name="user_set_password"),
    path("memberships/<int:membership_id>/remove/", views.membership_remove, name="membership_remove"),
    path("audit/", views.audit_list, name="audit"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/two-factor/", views.two_factor, name="two_factor"),
    path(
        "users/<int:user_id>/second-factor/reset/",
        views.user_reset_second_factor,
        name="user_reset_second_factor",
    ),
]
