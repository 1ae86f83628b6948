"""Shared fixtures: personas used by every test module."""

from __future__ import annotations

import pytest
from django.test import Client

from kliento.accounts import services as accounts
from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor

PASSWORD = "correct horse battery staple 42"


@pytest.fixture(autouse=True)
def _english_unless_asked(settings) -> None:  # type: ignore[no-untyped-def]
    """The service speaks Finnish to a browser that states no language; tests read English
    unless they ask for fi or sv (Accept-Language, the language cookie, or a browser locale)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _tasks_queue_in_the_database(settings) -> None:  # type: ignore[no-untyped-def]
    """Tasks wait in the database for a worker, as in production, whatever backend the
    local instance file chose (`make run` uses the immediate one: it starts no worker)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> None:
    """Argon2 is deliberately slow (tests/accounts/test_hashing.py pins it for production);
    the suite hashes thousands of passwords, so it uses a fast hasher."""
    from django.conf import settings
    from django.contrib.auth import hashers

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``postgres_only`` need PostgreSQL's row locks: skipped on SQLite."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)


def make_user(email: str, *, role: StaffRole | None = None) -> User:
    user = accounts.user_create(
        email=email, password=PASSWORD, actor=Actor.system("setup"), verified=True
    )
    if role is not None:
        accounts.staff_role_grant(user=user, role=role, actor=Actor.system("setup"))
    return user


@pytest.fixture
def cardholder(db: None) -> User:
    return make_user("anna.virtanen@example.fi")


@pytest.fixture
def other_cardholder(db: None) -> User:
    return make_user("bertil.lindqvist@example.fi")


@pytest.fixture
def staff_user(db: None):  # type: ignore[no-untyped-def]
    """A factory: ``staff_user(StaffRole.AUDITOR)`` makes a staff user in that role."""

    def make(role: StaffRole) -> User:
        return make_user(f"{role.value}@kliento.example", role=role)

    return make


@pytest.fixture
def cardholder_client(client: Client, cardholder: User) -> Client:
    client.force_login(cardholder)
    return client


# --- merchants: A (owner, cashier, terminal, two programs) and B (cashier, terminal) ---


class MerchantWorld:
    """A merchant with premises, staff, a terminal token and loyalty programs."""

    def __init__(self, name: str, prefix: str) -> None:
        from kliento.audit.actors import Actor
        from kliento.merchants import services as merchants
        from kliento.merchants.models import Membership, Merchant
        from kliento.visits.models import LoyaltyProgram

        system = Actor.system("tests")
        self.owner = make_user(f"{prefix}.owner@merchant.example")
        self.cashier = make_user(f"{prefix}.cashier@merchant.example")
        self.merchant = merchants.merchant_create(
            name=name, business_id="", owner=self.owner, actor=system
        )
        merchants.merchant_set_status(
            merchant=self.merchant, status=Merchant.Status.APPROVED, actor=system
        )
        self.owner_membership = Membership.objects.get(merchant=self.merchant, user=self.owner)
        owner_actor = self.actor(self.owner)
        self.premises = merchants.premises_create(
            membership=self.owner_membership, name=f"{name} Kamppi", street="Urho Kekkosen katu 1",
            postal_code="00100", city="Helsinki", actor=owner_actor,
        )  # fmt: skip
        self.cashier_membership = Membership.objects.create(
            merchant=self.merchant, user=self.cashier, role=Membership.Role.CASHIER
        )
        self.cashier_membership.premises.add(self.premises)
        self.terminal, self.token = merchants.terminal_create(
            membership=self.owner_membership, premises=self.premises, name="Till 1",
            actor=owner_actor,
        )  # fmt: skip
        self.points = LoyaltyProgram.objects.create(
            merchant=self.merchant, name=f"{name} points", kind=LoyaltyProgram.Kind.POINTS,
            points_per_euro=1, points_per_visit=10, reward_name="Coffee", reward_points=50,
        )  # fmt: skip
        self.stamps = LoyaltyProgram.objects.create(
            merchant=self.merchant, name=f"{name} stamps", kind=LoyaltyProgram.Kind.STAMPS,
            stamps_required=3, reward_name="Free lunch",
        )  # fmt: skip

    def actor(self, user: User):  # type: ignore[no-untyped-def]
        from kliento.audit.actors import Actor
        from kliento.merchants.models import Membership

        membership = Membership.objects.get(merchant=self.merchant, user=user)
        return Actor.merchant_staff(
            user, role=membership.role, merchant_id=str(self.merchant.public_id),
            premises_id=str(self.premises.public_id) if hasattr(self, "premises") else None,
        )  # fmt: skip


@pytest.fixture
def merchant_a(db: None) -> MerchantWorld:
    return MerchantWorld("Kahvila Aalto", "a")


@pytest.fixture
def merchant_b(db: None) -> MerchantWorld:
    return MerchantWorld("Bistro Berg", "b")
