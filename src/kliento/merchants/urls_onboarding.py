"""Public pages of merchant onboarding under /merchants/."""

from __future__ import annotations

from django.urls import path

from kliento.merchants import views_onboarding as views

app_name = "merchant_apply"

urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/sent/", views.sent, name="sent"),
    path("apply/verify/<str:token>/", views.verify, name="verify"),
    path("apply/verified/", views.verified, name="verified"),
]
