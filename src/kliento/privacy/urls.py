"""The person's export, cancellation and "who has seen my data" pages under /profile/."""

from django.urls import path

from kliento.privacy import views, views_accesses

app_name = "privacy"

urlpatterns = [
    path("export/", views.export_page, name="export"),
    path("export/kliento-export.json", views.export_download, name="export_download"),
    path("cancel/", views.cancel, name="cancel"),
    path("accesses/", views_accesses.accesses, name="accesses"),
]
