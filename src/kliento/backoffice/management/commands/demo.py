"""``kliento demo``: demo data for a local run, made through the same services the
product's operators use (staff invitations and setup links, merchant applications and
approval, card batches, check-ins, a balance correction, a manual disclosure), so the
audit log and the back-office show them. Running it again keeps what exists."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from kliento.accounts import services as accounts
from kliento.accounts import staff
from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.disclosures.demo_data import demo_disclosures
from kliento.surveys.demo_data import demo_surveys
from kliento.visits.demo_data import DemoCast, demo_loyalty

DEMO_PASSWORD = "kliento-demo-2026"  # noqa: S105 (printed demo login, demo data only)
# A fixed, printed TOTP secret so a demo user can add staff accounts to an authenticator app.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPKLIENTODEMOAAAAA"  # noqa: S105

OWNER_EMAIL = "owner@demo.kliento.fi"
CASHIER_EMAIL = "cashier@demo.kliento.fi"
CARDHOLDER_EMAIL = "cardholder@demo.kliento.fi"
# In the order the logins are printed: the administrator first, who invites the others.
STAFF_ROLES = (
    StaffRole.ADMINISTRATOR, StaffRole.CUSTOMER_SERVICE, StaffRole.PRIVACY_OFFICER,
    StaffRole.MARKETING, StaffRole.AUDITOR,
)  # fmt: skip
PEOPLE = [
    (OWNER_EMAIL, "merchant owner"),
    (CASHIER_EMAIL, "cashier"),
    (CARDHOLDER_EMAIL, "cardholder"),
]


def staff_email(role: StaffRole) -> str:
    return f"{role.value.replace('_', '-')}@demo.kliento.fi"


STAFF = [(staff_email(role), role) for role in STAFF_ROLES]

DEMO = Actor.system("demo")


class Command(BaseCommand):
    help = "Create demo users and data (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data is only for a local instance (KLIENTO_DEBUG=1).")
        with transaction.atomic():
            team = self._staff()
            cast = DemoCast(
                administrator=Actor.staff(
                    team[StaffRole.ADMINISTRATOR], StaffRole.ADMINISTRATOR.value
                ),
                customer_service=Actor.staff(
                    team[StaffRole.CUSTOMER_SERVICE], StaffRole.CUSTOMER_SERVICE.value
                ),
                owner_email=OWNER_EMAIL,
                password=DEMO_PASSWORD,
                cashier=self._person(CASHIER_EMAIL),
                cardholder=self._person(CARDHOLDER_EMAIL),
            )
            lines = demo_loyalty(cast=cast)
            lines += demo_disclosures(
                privacy_officer=team[StaffRole.PRIVACY_OFFICER], cardholder=cast.cardholder
            )
            lines += demo_surveys(marketing=team[StaffRole.MARKETING])
        self._print_logins()
        for line in lines:
            self.stdout.write(line)

    def _staff(self) -> dict[StaffRole, User]:
        """The administrator through ``kliento staff create-admin``'s service, the others
        invited by the administrator; each sets the demo password through the setup link
        and gets the demo TOTP secret (the setup page would ask them to add one)."""
        administrator = self._staff_member(StaffRole.ADMINISTRATOR, DEMO)
        invited_by = Actor.staff(administrator, StaffRole.ADMINISTRATOR.value)
        team = {StaffRole.ADMINISTRATOR: administrator}
        for role in STAFF_ROLES[1:]:
            team[role] = self._staff_member(role, invited_by)
        for user in team.values():
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, DEMO_TOTP_SECRET)
        return team

    def _staff_member(self, role: StaffRole, actor: Actor) -> User:
        email = staff_email(role)
        user = User.objects.filter(email__iexact=email).first()
        if user is not None and user.has_role(role) and user.has_usable_password():
            return user
        if user is not None and user.has_role(role):  # invited, the link never used
            token = staff.staff_setup_link_renew(user=user, actor=actor)
        elif role == StaffRole.ADMINISTRATOR:
            # Another administrator on this local instance is no reason to refuse.
            others = User.objects.filter(groups__name=StaffRole.ADMINISTRATOR.value).exists()
            user, token = staff.staff_first_admin_create(email=email, actor=actor, force=others)
        else:
            user, token = staff.staff_invite(email=email, role=role, actor=actor)
        return staff.staff_setup_complete(token=token, password=DEMO_PASSWORD)

    def _person(self, email: str) -> User:
        user = User.objects.filter(email__iexact=email).first()
        return user or accounts.user_create(
            email=email, password=DEMO_PASSWORD, actor=DEMO, verified=True
        )

    @translation.override("en")  # the console output is in one language
    def _print_logins(self) -> None:
        out = self.stdout
        out.write("")
        out.write(self.style.SUCCESS("Kliento demo is ready: http://127.0.0.1:8000/"))
        out.write(f"Every demo login has the password: {DEMO_PASSWORD}")
        for email, role in STAFF:
            out.write(f"  {role.label:<18} {email}  (staff, TOTP)")
        for email, label in PEOPLE:
            out.write(f"  {label:<18} {email}")
        out.write(f"Staff TOTP secret (add it to an authenticator app): {DEMO_TOTP_SECRET}")
        out.write("")
