"""The public privacy notice."""

from django.urls import path

from kliento.disclosures import views

app_name = "privacy_notice"

urlpatterns = [
    path("", views.privacy_notice, name="current"),
    path("versions/<int:number>/", views.privacy_notice_version, name="version"),
]
