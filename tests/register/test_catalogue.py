"""The personal-data catalogue: every field of every model is classified, every item is
fully declared, and the privacy policy's items are all there."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from kliento.register import catalogue
from kliento.register.catalogue import Category, LegalBasis, Purpose, Retention, Source

# Apps whose models hold our people's data: every Kliento app, and allauth's accounts
# and two-step verification, which store login e-mails and MFA secrets for us.
THIRD_PARTY_WITH_PERSONAL_DATA = {"account", "mfa"}
# Framework tables, not walked, each for a reason. A new app must be added to one list.
FRAMEWORK_APPS = {
    "admin": "administrators' change log; object_repr is __str__, a pseudonymous public id",
    "auth": "permissions and groups only (the user model is accounts.User)",
    "contenttypes": "model names",
    "sessions": "a login reference that expires with the session (SESSION_COOKIE_AGE)",
    "django_tasks_database": "task queue; tasks take ids, never personal values",
}

# The privacy policy's items (issue 3), by catalogue key.
POLICY_ITEMS = {
    "names": ["first_name", "last_name"],
    "addresses": ["address"],
    "phone numbers": ["phone"],
    "e-mail addresses": ["email", "login_email"],
    "username": ["username"],
    "date of birth": ["date_of_birth"],
    "gender": ["gender"],
    "title or profession": ["title"],
    "mother tongue": ["mother_tongue"],
    "preferences": ["preferences"],
    "favourite products": ["favourite_products"],
    "feedback": ["feedback"],
    "clothes and shoe sizes": ["clothes_size", "shoe_size"],
    "allergies (health data)": ["allergies"],
    "interests": ["interests"],
    "direct marketing permitted/declined": ["direct_marketing"],
    "technical data": ["ip_address", "user_agent"],
}
SHORT_RETENTION = timedelta(days=90)


def _label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def _fields(model: type[models.Model]) -> list[str]:
    """Fields stored with the model (columns and forward many-to-many), no reverse ones."""
    return [f.name for f in model._meta.get_fields() if f.concrete or not f.auto_created]


def walked_models() -> list[type[models.Model]]:
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("kliento.") or config.label in THIRD_PARTY_WITH_PERSONAL_DATA
        for model in config.get_models()
    ]


def unclassified(models_: Iterable[type[models.Model]]) -> list[str]:
    """``app.Model.field`` for every field neither classified nor declared not personal."""
    missing = []
    for model in models_:
        label = _label(model)
        plain = catalogue.NOT_PERSONAL.get(label, set())
        for name in _fields(model):
            if f"{label}.{name}" not in catalogue.FIELD_CLASSIFICATION and name not in plain:
                missing.append(f"{label}.{name}")
    return missing


def test_every_field_of_every_model_is_classified() -> None:
    missing = unclassified(walked_models())
    assert missing == [], (
        "Declare these fields in catalogue.FIELD_CLASSIFICATION (personal data) or "
        f"catalogue.NOT_PERSONAL: {missing}"
    )


def test_every_app_with_models_is_walked_or_exempt_for_a_reason() -> None:
    with_models = {c.label for c in apps.get_app_configs() if list(c.get_models())}
    walked = {_label(model).split(".")[0] for model in walked_models()}
    other = with_models - walked
    assert other == set(FRAMEWORK_APPS), (
        "A new app with models: walk it (THIRD_PARTY_WITH_PERSONAL_DATA) or give the reason "
        f"it holds no personal data (FRAMEWORK_APPS): {sorted(other ^ set(FRAMEWORK_APPS))}"
    )


@isolate_apps("kliento.register")
def test_the_walk_catches_a_new_unclassified_field() -> None:
    class Nickname(models.Model):
        subject = models.ForeignKey("register.Subject", on_delete=models.CASCADE)
        nickname = models.CharField(max_length=50)

        class Meta:
            app_label = "register"

        def __str__(self) -> str:
            return self.nickname

    assert unclassified([Nickname]) == [
        "register.Nickname.id",
        "register.Nickname.subject",
        "register.Nickname.nickname",
    ]


def test_the_declarations_name_real_fields_and_items() -> None:
    by_label = {_label(model): set(_fields(model)) for model in walked_models()}
    stale = [
        key
        for key in catalogue.FIELD_CLASSIFICATION
        if key.rsplit(".", 1)[0] not in by_label
        or key.rsplit(".", 1)[1] not in by_label[key.rsplit(".", 1)[0]]
    ]
    stale += [
        f"{label}.{name}"
        for label, names in catalogue.NOT_PERSONAL.items()
        for name in names
        if label not in by_label or name not in by_label[label]
    ]
    assert stale == [], f"Declared fields that no model has: {stale}"
    both = [
        key
        for key in catalogue.FIELD_CLASSIFICATION
        if key.rsplit(".", 1)[1] in catalogue.NOT_PERSONAL.get(key.rsplit(".", 1)[0], set())
    ]
    assert both == [], f"Declared both personal and not personal: {both}"
    unknown = {item for item in catalogue.FIELD_CLASSIFICATION.values() if item != "*"} - set(
        catalogue.BY_KEY
    )
    assert unknown == set()


@pytest.mark.parametrize("item", catalogue.ITEMS, ids=lambda item: item.key)
def test_every_item_is_fully_declared(item: catalogue.Item) -> None:
    assert str(item.label).strip()
    assert isinstance(item.category, Category)
    assert item.category in catalogue.CATEGORY_LABELS
    assert item.purposes
    assert all(isinstance(p, Purpose) for p in item.purposes)
    assert isinstance(item.legal_basis, LegalBasis)
    assert isinstance(item.retention, Retention)
    assert str(item.retention.description).strip()
    assert isinstance(item.source, Source)
    if item.special_category:
        assert item.legal_basis == LegalBasis.EXPLICIT_CONSENT
    if item.category == Category.HEALTH:
        assert item.special_category


def test_item_keys_are_unique() -> None:
    keys = [item.key for item in catalogue.ITEMS]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(("policy_item", "keys"), POLICY_ITEMS.items())
def test_every_item_of_the_privacy_policy_is_declared(policy_item: str, keys: list[str]) -> None:
    assert [key for key in keys if key not in catalogue.BY_KEY] == [], policy_item


def test_allergies_are_health_data_needing_explicit_consent() -> None:
    allergies = catalogue.BY_KEY["allergies"]
    assert allergies.category == Category.HEALTH
    assert allergies.special_category
    assert allergies.legal_basis == LegalBasis.EXPLICIT_CONSENT


def test_technical_data_is_kept_only_for_a_short_declared_time() -> None:
    technical = [item for item in catalogue.ITEMS if item.category == Category.TECHNICAL]
    assert {"ip_address", "user_agent"} <= {item.key for item in technical}
    for item in technical:
        assert item.retention.period is not None, item.key
        assert item.retention.period <= SHORT_RETENTION, item.key
        assert item.source == Source.BROWSER
