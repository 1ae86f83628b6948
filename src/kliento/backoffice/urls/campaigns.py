"""Campaign pages of the back-office, under /staff/campaigns/."""

from django.urls import path

from kliento.backoffice.views import campaigns as views

app_name = "staff_campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("<uuid:campaign_id>/", views.campaign_detail, name="detail"),
]
