"""The one-time setup link of a new staff member (no login needed to open it)."""

from django.urls import path

from kliento.backoffice.views import team as views

app_name = "staff_setup"

urlpatterns = [
    path("<str:token>/", views.setup, name="open"),
]
