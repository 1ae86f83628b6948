"""The person's signed-link pages of data subject requests."""

from django.urls import path

from kliento.dsr import views

app_name = "dsr"

urlpatterns = [
    path("requests/verify/<str:token>/", views.verify, name="verify"),
    path("requests/fee/<str:token>/", views.fee, name="fee"),
]
