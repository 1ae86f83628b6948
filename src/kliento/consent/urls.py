"""Consent pages. The health-data consent lives beside the profile, at /profile/health/."""

from django.urls import path

from kliento.consent import views

app_name = "consent"

urlpatterns = [
    path("health/", views.health_consent, name="health"),
]
