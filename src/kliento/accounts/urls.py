"""allauth's account URLs, with the link pages that log refusals put first."""

from __future__ import annotations

from django.urls import include, path, re_path

from kliento.accounts import security

urlpatterns = [
    re_path(
        r"^confirm-email/(?P<key>[-:\w]+)/$",
        security.ConfirmEmailView.as_view(),
        name="account_confirm_email",
    ),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        security.PasswordResetFromKeyView.as_view(),
        name="account_reset_password_from_key",
    ),
    path("", include("allauth.urls")),
]
