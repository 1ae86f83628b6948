"""``kliento demo``: demo data for a local run. Running it again keeps what exists."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from kliento.accounts import services as accounts
from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.surveys.demo_data import demo_surveys
from kliento.visits.demo_data import demo_loyalty

DEMO_PASSWORD = "kliento-demo-2026"  # noqa: S105 (printed demo login, demo data only)
# A fixed, printed TOTP secret so a demo user can add staff accounts to an authenticator app.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPKLIENTODEMOAAAAA"  # noqa: S105

PEOPLE = [
    ("cardholder@demo.kliento.fi", "cardholder"),
    ("owner@demo.kliento.fi", "merchant owner"),
    ("cashier@demo.kliento.fi", "cashier"),
]
STAFF = [(f"{role.value.replace('_', '-')}@demo.kliento.fi", role) for role in StaffRole]


DEMO = Actor.system("demo")


class Command(BaseCommand):
    help = "Create demo users and data (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data is only for a local instance (KLIENTO_DEBUG=1).")
        with transaction.atomic():
            for email, _label in PEOPLE:
                self._user(email)
            for email, role in STAFF:
                user = self._user(email)
                if not user.has_role(role):
                    accounts.staff_role_grant(user=user, role=role, actor=DEMO)
                if not Authenticator.objects.filter(
                    user=user, type=Authenticator.Type.TOTP
                ).exists():
                    TOTP.activate(user, DEMO_TOTP_SECRET)
        loyalty_lines = demo_loyalty(
            owner=self._user("owner@demo.kliento.fi"),
            cashier=self._user("cashier@demo.kliento.fi"),
            cardholder=self._user("cardholder@demo.kliento.fi"),
        )
        loyalty_lines += demo_surveys(marketing=self._user("marketing@demo.kliento.fi"))
        self._print_logins()
        for line in loyalty_lines:
            self.stdout.write(line)

    def _user(self, email: str) -> User:
        user = User.objects.filter(email=email).first()
        return user or accounts.user_create(
            email=email, password=DEMO_PASSWORD, actor=DEMO, verified=True
        )

    @translation.override("en")  # the console output is in one language
    def _print_logins(self) -> None:
        out = self.stdout
        out.write("")
        out.write(self.style.SUCCESS("Kliento demo is ready: http://127.0.0.1:8000/"))
        out.write(f"Every demo login has the password: {DEMO_PASSWORD}")
        for email, label in PEOPLE:
            out.write(f"  {label:<18} {email}")
        for email, role in STAFF:
            out.write(f"  {role.label:<18} {email}  (staff, TOTP)")
        out.write(f"Staff TOTP secret (add it to an authenticator app): {DEMO_TOTP_SECRET}")
        out.write("")
