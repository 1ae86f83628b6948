"""The person's sharing pages, joining a merchant and the Activity section."""

from django.urls import path

from kliento.sharing import views

app_name = "sharing"

urlpatterns = [
    path("profile/sharing/", views.sharing_index, name="index"),
    path("profile/sharing/<uuid:merchant_id>/", views.sharing_merchant, name="merchant"),
    path("profile/sharing/<uuid:merchant_id>/health/", views.sharing_health, name="health"),
    path("profile/sharing/<uuid:merchant_id>/leave/", views.leave, name="leave"),
    path("join/<uuid:merchant_id>/", views.join, name="join"),
    path("profile/activity/", views.activity_page, name="activity"),
    path("profile/activity/export.<str:fmt>", views.activity_export, name="activity_export"),
]
