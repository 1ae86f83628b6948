"""Every register service refuses to run without a real actor, loudly and before it
changes anything."""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from kliento.accounts.models import User
from kliento.audit.models import AuditEntry
from kliento.audit.services import audit_record
from kliento.backoffice import key_rotation
from kliento.register import services
from kliento.register.models import DataKey, ProfileValue, Subject

pytestmark = pytest.mark.django_db


def _services_taking_an_actor() -> list[Callable[..., Any]]:
    found = [
        function
        for name, function in inspect.getmembers(services, inspect.isfunction)
        if function.__module__ == services.__name__
        and not name.startswith("_")
        and "actor" in inspect.signature(function).parameters
    ]
    return [*found, key_rotation.rotate, audit_record]


SERVICES = _services_taking_an_actor()


def _arguments(function: Callable[..., Any], subject: Subject) -> dict[str, Any]:
    samples: dict[str, Any] = {
        "subject": subject,
        "user": None,
        "item_key": "first_name",
        "value": "Anneli",
        "value_id": uuid.uuid4(),
        "purpose": "Ticket 1",
        "patch": services.ProfilePatch(
            set={"first_name": "A"}, add={}, update={}, delete=[], primary=[]
        ),
        "target": key_rotation.targets()[0],
        "batch_size": 10,
        "action": "profile.read",
    }
    parameters = inspect.signature(function).parameters
    return {
        name: samples[name]
        for name, parameter in parameters.items()
        if name != "actor" and parameter.default is inspect.Parameter.empty
    }


def test_the_register_services_are_all_covered() -> None:
    names = {function.__name__ for function in SERVICES}
    assert {"subject_create", "subject_key_destroy", "profile_value_set", "profile_read"} <= names
    assert {"profile_value_update", "profile_value_delete", "profile_patch", "rotate"} <= names


@pytest.mark.parametrize("actor", [None, "system", {"kind": "staff"}], ids=["none", "str", "dict"])
@pytest.mark.parametrize("function", SERVICES, ids=lambda f: f.__name__)
def test_a_service_without_an_actor_fails_loudly_and_changes_nothing(
    function: Callable[..., Any], actor: object, cardholder: User
) -> None:
    subject = services.subject_of(cardholder)
    before = (
        AuditEntry.objects.count(),
        ProfileValue.objects.count(),
        DataKey.objects.count(),
        Subject.objects.count(),
    )

    def call() -> None:
        result = function(**_arguments(function, subject), actor=actor)
        if inspect.isgenerator(result):  # key rotation runs as it is iterated
            next(result)

    with pytest.raises(TypeError, match="actor"):
        call()

    assert before == (
        AuditEntry.objects.count(),
        ProfileValue.objects.count(),
        DataKey.objects.count(),
        Subject.objects.count(),
    )
