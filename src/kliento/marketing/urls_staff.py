"""Campaign pages of the back-office, under /staff/campaigns/."""

from django.urls import path

from kliento.marketing import views_staff

app_name = "staff_campaigns"

urlpatterns = [
    path("", views_staff.campaign_list, name="list"),
    path("<uuid:campaign_id>/", views_staff.campaign_detail, name="detail"),
]
