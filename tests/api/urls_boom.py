"""A test-only URLconf: the real one plus an API path that fails unexpectedly."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from kliento.config import urls as real_urls

handler400 = real_urls.handler400
handler403 = real_urls.handler403
handler404 = real_urls.handler404
handler500 = real_urls.handler500


class BoomError(RuntimeError):
    pass


def boom(request: HttpRequest) -> HttpResponse:
    raise BoomError("unexpected failure while serving the API")


urlpatterns = [path("api/v1/boom", boom), *real_urls.urlpatterns]
