"""The visits app's pages in the merchant portal: the dashboard, the loyalty programs,
the check-in screen and the visits. kliento.config.urls_merchant puts them under
/merchant/ in the "merchant" namespace."""

from __future__ import annotations

from django.urls import path

from kliento.visits import views_checkin, views_merchant

M = "<uuid:merchant_id>/"

urlpatterns = [
    path(M, views_merchant.dashboard, name="dashboard"),
    path(M + "programs/", views_merchant.programs, name="programs"),
    path(M + "programs/new/", views_merchant.program_edit, name="program_new"),
    path(M + "programs/<uuid:program_id>/", views_merchant.program_edit, name="program_edit"),
    path(M + "checkin/", views_checkin.checkin, name="checkin"),
    path(M + "checkin/redeem/", views_checkin.reward_redeem, name="reward_redeem"),
    path(M + "checkin/claim/", views_checkin.points_claim, name="points_claim"),
    path(M + "visits/", views_checkin.visits, name="visits"),
    path(M + "visits/<uuid:visit_id>/", views_checkin.visit_detail, name="visit"),
    path(M + "visits/<uuid:visit_id>/reverse/", views_checkin.visit_reverse, name="visit_reverse"),
]
