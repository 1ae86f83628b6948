"""The Django admin shows administrators the operational models, read-only and without
personal data, tokens or secrets; everyone else still gets 403."""

from __future__ import annotations

import uuid
from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib import admin
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import ActorKind
from kliento.cards.models import CardIssuer
from kliento.disclosures.models import Recipient
from kliento.disclosures.services import recipient_create
from kliento.merchants.models import Merchant, Premises, Terminal
from kliento.merchants.services import premises_create, terminal_create
from kliento.register.catalogue import FIELD_CLASSIFICATION
from tests.conftest import MerchantWorld

pytestmark = pytest.mark.django_db

REGISTERED = {
    "merchants.Merchant", "merchants.Premises", "merchants.Terminal", "cards.CardIssuer",
    "disclosures.Recipient",
}  # fmt: skip
# Not personal data, but never for the admin's eyes: credentials, keys and ciphertext.
SECRET_FIELDS = {
    "token", "token_hash", "secret_sealed", "secret_kek_id", "wrapped_key", "kek_id",
    "identifier_ct", "lookup", "ciphertext", "password", "registration_code_hash",
}  # fmt: skip


def _label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def _with_mfa(user: User) -> User:
    TOTP.activate(user, pyotp.random_base32())
    return user


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def administrator(staff_user: Any) -> Client:
    return _client(_with_mfa(staff_user(StaffRole.ADMINISTRATOR)))


@pytest.fixture
def recipient(merchant_a: MerchantWorld) -> tuple[Recipient, str]:
    issuer = CardIssuer.objects.create(name="HSL", kind=CardIssuer.Kind.TRAVEL)
    actor = Actor(ActorKind.STAFF, str(uuid.uuid4()), StaffRole.ADMINISTRATOR.value)
    return recipient_create(
        kind=Recipient.Kind.CARD_ISSUER, name="HSL Oy", webhook_url="https://hooks.hsl.example/k",
        items=["first_name"], purposes=["service"], card_issuer=issuer, actor=actor,
    )  # fmt: skip


def _fields_named(model_admin: admin.ModelAdmin[Any]) -> set[str]:
    """Every field path an admin shows, searches or filters on."""
    names: set[str] = set(model_admin.fields or ())
    names |= {n for n in model_admin.list_display if isinstance(n, str)}
    names |= {n.lstrip("=^@") for n in model_admin.search_fields}
    names |= {f if isinstance(f, str) else f[0] for f in model_admin.list_filter}  # type: ignore[index]
    names |= set(model_admin.list_select_related or ())  # type: ignore[arg-type]
    if model_admin.date_hierarchy:
        names.add(model_admin.date_hierarchy)
    return names


def _model_fields(model: type[models.Model], path: str) -> list[tuple[type[models.Model], str]]:
    """(model, field) for each hop of ``path`` (``premises__merchant__name``); nothing for
    an admin method such as ``merchant_name``."""
    hops: list[tuple[type[models.Model], str]] = []
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except Exception:
            return hops
        hops.append((model, part))
        if field.related_model is not None:
            model = field.related_model  # type: ignore[assignment]
    return hops


def _ours() -> dict[type[models.Model], admin.ModelAdmin[Any]]:
    return {m: a for m, a in admin.site._registry.items() if a.__module__.startswith("kliento.")}


def test_the_operational_models_are_registered() -> None:
    assert {_label(m) for m in _ours()} == REGISTERED


def test_other_apps_admins_stay_closed_to_administrators(administrator: Client) -> None:
    # allauth's e-mail addresses and authenticators, auth groups, task results: registered
    # by their packages, but an administrator holds no model permissions, so none opens.
    request = administrator.get("/admin/").wsgi_request
    others = [a for m, a in admin.site._registry.items() if m not in _ours()]
    assert others
    for model_admin in others:
        assert not model_admin.has_module_permission(request)
        assert not model_admin.has_view_permission(request)
    assert administrator.get("/admin/account/emailaddress/").status_code == 403
    assert administrator.get("/admin/mfa/authenticator/").status_code == 403


@pytest.mark.parametrize("label", sorted(REGISTERED))
def test_no_admin_shows_personal_data_or_secrets(label: str) -> None:
    model, model_admin = next((m, a) for m, a in _ours().items() if _label(m) == label)
    assert model_admin.fields, "each admin names its fields: nothing slips in by default"
    hops = [hop for path in _fields_named(model_admin) for hop in _model_fields(model, path)]
    assert hops
    personal = [f"{_label(m)}.{f}" for m, f in hops if f"{_label(m)}.{f}" in FIELD_CLASSIFICATION]
    secret = [f"{_label(m)}.{f}" for m, f in hops if f in SECRET_FIELDS]
    assert personal == []
    assert secret == []
    hidden = {f.name for f in model._meta.concrete_fields} - set(model_admin.fields)
    assert hidden <= SECRET_FIELDS | {"id"}, "a field left out must be one that must stay out"


def test_the_admin_is_read_only(administrator: Client) -> None:
    request = administrator.get("/admin/").wsgi_request
    for model_admin in _ours().values():
        assert model_admin.has_view_permission(request)
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)


def test_an_administrator_sees_the_models(
    administrator: Client, merchant_a: MerchantWorld, recipient: tuple[Recipient, str]
) -> None:
    page = administrator.get("/admin/").content.decode()

    assert "permission to view or edit anything" not in page
    for path in ("merchants/merchant", "merchants/premises", "merchants/terminal",
                 "cards/cardissuer", "disclosures/recipient"):  # fmt: skip
        assert f'href="/admin/{path}/"' in page
        assert f'href="/admin/{path}/add/"' not in page


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("merchants/merchant", "Kahvila Aalto"),
        ("merchants/premises", "Kahvila Aalto Kamppi"),
        ("merchants/terminal", "Till 1"),
        ("cards/cardissuer", "HSL"),
        ("disclosures/recipient", "HSL Oy"),
    ],
)
def test_each_list_and_detail_opens_without_secrets(
    administrator: Client, merchant_a: MerchantWorld, recipient: tuple[Recipient, str],
    path: str, shown: str,
) -> None:  # fmt: skip
    _recipient, secret = recipient
    listing = administrator.get(f"/admin/{path}/")
    assert listing.status_code == 200
    assert shown in listing.content.decode()
    first = listing.context["cl"].result_list[0]
    detail = administrator.get(f"/admin/{path}/{first.pk}/change/")
    assert detail.status_code == 200
    for page in (listing.content.decode(), detail.content.decode()):
        assert merchant_a.token not in page
        assert secret not in page
        assert merchant_a.owner.email not in page
        assert 'name="_save"' not in page  # read-only: nothing to submit


def test_search_finds_a_merchant(administrator: Client, merchant_a: MerchantWorld) -> None:
    response = administrator.get("/admin/merchants/merchant/", {"q": "Aalto"})
    assert [m.name for m in response.context["cl"].result_list] == ["Kahvila Aalto"]


def test_changes_are_refused_through_the_admin(
    administrator: Client, merchant_a: MerchantWorld
) -> None:
    merchant = merchant_a.merchant
    url = f"/admin/merchants/merchant/{merchant.pk}/change/"

    response = administrator.post(url, {"name": "Renamed", "status": "suspended"})

    assert response.status_code == 403
    merchant.refresh_from_db()
    assert (merchant.name, merchant.status) == ("Kahvila Aalto", Merchant.Status.APPROVED)
    assert administrator.get("/admin/merchants/merchant/add/").status_code == 403
    delete = f"/admin/merchants/merchant/{merchant.pk}/delete/"
    assert administrator.post(delete, {"post": "yes"}).status_code == 403
    assert Merchant.objects.filter(pk=merchant.pk).exists()
    assert Premises.objects.exists()
    assert Terminal.objects.exists()


@pytest.mark.parametrize(
    "role", [r for r in StaffRole if r != StaffRole.ADMINISTRATOR], ids=lambda r: r.value
)
def test_other_staff_get_403_on_the_models(staff_user: Any, role: StaffRole) -> None:
    client = _client(_with_mfa(staff_user(role)))
    assert client.get("/admin/merchants/merchant/").status_code == 403
    assert client.get("/admin/disclosures/recipient/").status_code == 403


def test_members_and_merchant_staff_get_403(cardholder: User, merchant_a: MerchantWorld) -> None:
    for user in (cardholder, merchant_a.owner, merchant_a.cashier):
        assert _client(user).get("/admin/merchants/merchant/").status_code == 403


def test_an_administrator_without_mfa_is_sent_to_set_it_up(staff_user: Any) -> None:
    client = _client(staff_user(StaffRole.ADMINISTRATOR))
    response = client.get("/admin/merchants/merchant/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


@pytest.mark.parametrize("path", ["merchants/premises", "merchants/terminal"])
def test_list_query_count_does_not_grow_with_rows(
    administrator: Client, merchant_a: MerchantWorld, path: str, django_assert_num_queries: Any
) -> None:
    url = f"/admin/{path}/"
    owner = merchant_a.actor(merchant_a.owner)
    administrator.get(url)
    with CaptureQueriesContext(connection) as one:
        administrator.get(url)
    for n in range(3):
        premises = premises_create(
            membership=merchant_a.owner_membership, name=f"Branch {n}", street="",
            postal_code="", city="Espoo", actor=owner,
        )  # fmt: skip
        terminal_create(membership=merchant_a.owner_membership, premises=premises,
                        name=f"Till {n + 2}", actor=owner)  # fmt: skip
    with django_assert_num_queries(len(one.captured_queries)):
        assert administrator.get(url).status_code == 200
