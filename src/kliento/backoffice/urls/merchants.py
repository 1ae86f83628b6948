"""The administrators' merchant queue under /staff/merchants/."""

from django.urls import path

from kliento.backoffice.views import merchants as views

app_name = "staff_merchants"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("applications/<uuid:application_id>/", views.application_detail, name="application"),
    path("<uuid:merchant_id>/", views.merchant_detail, name="merchant"),
]
