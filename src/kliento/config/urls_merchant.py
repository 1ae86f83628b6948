"""The merchant portal under /merchant/, one "merchant" namespace over the pages of
several apps. It is put together here, at the top of the layers, so that no app below
has to import the apps above it."""

from __future__ import annotations

from django.urls import include, path

from kliento.merchants import urls as merchants_urls
from kliento.visits import urls_merchant as visits_urls

app_name = "merchant"

M = "<uuid:merchant_id>/"

urlpatterns = [
    *merchants_urls.urlpatterns,
    *visits_urls.urlpatterns,
    path(M + "customers/", include("kliento.sharing.urls_merchant")),
    path(M + "integrations/", include("kliento.sharing.urls_integrations")),
]
