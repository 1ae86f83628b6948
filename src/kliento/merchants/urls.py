"""The merchant portal under /merchant/: one merchant per URL, chosen by its public id.

These are the merchant's own pages; config/urls_merchant.py adds the pages of the apps
above (dashboard, programs, check-in and visits; customers and integrations) to the
same "merchant" namespace."""

from __future__ import annotations

from django.urls import path

from kliento.merchants import views

M = "<uuid:merchant_id>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path(M + "premises/", views.premises_list, name="premises"),
    path(M + "premises/new/", views.premises_edit, name="premises_new"),
    path(M + "premises/<uuid:premises_id>/", views.premises_edit, name="premises_edit"),
    path(M + "premises/<uuid:premises_id>/open/", views.premises_set_open, name="premises_open"),
    path(M + "staff/", views.staff_list, name="staff"),
    path(M + "staff/<int:member_id>/remove/", views.staff_remove, name="staff_remove"),
    path(M + "terminals/", views.terminals, name="terminals"),
    path(M + "terminals/<uuid:terminal_id>/revoke/", views.terminal_revoke, name="terminal_revoke"),
]
