"""The person's export and cancellation pages under /profile/."""

from django.urls import path

from kliento.privacy import views

app_name = "privacy"

urlpatterns = [
    path("export/", views.export_page, name="export"),
    path("export/kliento-export.json", views.export_download, name="export_download"),
    path("cancel/", views.cancel, name="cancel"),
]
