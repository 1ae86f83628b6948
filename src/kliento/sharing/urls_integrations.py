"""The merchant's integrations, included by config/urls_merchant.py under
<merchant id>/integrations/."""

from django.urls import path

from kliento.sharing import views_integrations

urlpatterns = [
    path("", views_integrations.integration_list, name="integrations"),
    path(
        "<uuid:integration_id>/revoke/",
        views_integrations.integration_revoke,
        name="integration_revoke",
    ),
]
