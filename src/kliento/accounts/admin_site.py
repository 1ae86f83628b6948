"""The Django admin: for active administrators with MFA, signed in through allauth only."""

from __future__ import annotations

from functools import wraps
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kliento.accounts.roles import StaffRole


class KlientoAdminSite(admin.AdminSite):
    site_header = _("Kliento administration")
    site_title = _("Kliento administration")
    index_title = _("Administration")
    site_url = "/staff/"

    def has_permission(self, request: HttpRequest) -> bool:
        """Only an active staff administrator who has MFA set up may use the admin."""
        user = request.user
        return bool(
            user.is_active
            and user.is_staff
            and user.groups.filter(name=StaffRole.ADMINISTRATOR.value).exists()
            and is_mfa_enabled(user)
        )

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        """A signed-in user without the role gets 403 at once, not a detour to a login."""
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return guarded

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # The admin's own login form would skip allauth's rate limits and the MFA step,
        # so every sign-in goes through allauth; a signed-in user without the role is
        # refused rather than asked to sign in again.
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next") or self.index_url())

    def index_url(self) -> str:
        return reverse("admin:index", current_app=self.name)


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """An operational model shown to administrators, read-only.

    Changes to merchants, cards and recipients go through the back-office services, which
    check the rules and write the audit entry in the same transaction; an admin form would
    bypass both. Each subclass names its ``fields`` explicitly, leaving out personal data,
    ciphertext, tokens and secrets (tests/accounts/test_admin_models.py checks them against
    the personal-data catalogue).
    """

    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
