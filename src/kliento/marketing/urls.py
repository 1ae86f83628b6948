"""The person's campaigns page, under /profile/, and the unsubscribe link at the root."""

from django.urls import path

from kliento.marketing import views

app_name = "marketing"

urlpatterns = [
    path("campaigns/", views.my_campaigns, name="mine"),
]

root_urlpatterns = [
    path("u/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
