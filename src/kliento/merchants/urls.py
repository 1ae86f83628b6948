"""The merchant portal under /merchant/: one merchant per URL, chosen by its public id."""

from __future__ import annotations

from django.urls import include, path

from kliento.merchants import views, views_checkin

app_name = "merchant"

M = "<uuid:merchant_id>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path(M, views.dashboard, name="dashboard"),
    path(M + "premises/", views.premises_list, name="premises"),
    path(M + "premises/new/", views.premises_edit, name="premises_new"),
    path(M + "premises/<uuid:premises_id>/", views.premises_edit, name="premises_edit"),
    path(M + "premises/<uuid:premises_id>/open/", views.premises_set_open, name="premises_open"),
    path(M + "staff/", views.staff_list, name="staff"),
    path(M + "staff/<int:member_id>/remove/", views.staff_remove, name="staff_remove"),
    path(M + "terminals/", views.terminals, name="terminals"),
    path(M + "terminals/<uuid:terminal_id>/revoke/", views.terminal_revoke, name="terminal_revoke"),
    path(M + "programs/", views.programs, name="programs"),
    path(M + "programs/new/", views.program_edit, name="program_new"),
    path(M + "programs/<uuid:program_id>/", views.program_edit, name="program_edit"),
    path(M + "checkin/", views_checkin.checkin, name="checkin"),
    path(M + "checkin/redeem/", views_checkin.reward_redeem, name="reward_redeem"),
    path(M + "checkin/claim/", views_checkin.points_claim, name="points_claim"),
    path(M + "visits/", views_checkin.visits, name="visits"),
    path(M + "visits/<uuid:visit_id>/", views_checkin.visit_detail, name="visit"),
    path(M + "visits/<uuid:visit_id>/reverse/", views_checkin.visit_reverse, name="visit_reverse"),
    path(M + "customers/", include("kliento.sharing.urls_merchant")),
    path(M + "integrations/", include("kliento.sharing.urls_integrations")),
]
