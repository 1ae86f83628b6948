"""Every response, page or API, carries a Permissions-Policy that switches off what no
page uses and keeps the camera (the cashier's QR scan) and passkeys to this origin."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/me", "/healthz", "/nope/"])
def test_every_response_has_a_permissions_policy(client: Client, path: str) -> None:
    response = client.get(path)

    policy = response["Permissions-Policy"]
    assert "geolocation=()" in policy
    assert "microphone=()" in policy
    assert "camera=(self)" in policy
