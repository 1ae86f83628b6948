"""An erasure or cancellation request that staff complete ends the customership, the same
way as the person's own cancellation; the answer still reaches the person."""

from __future__ import annotations

import pytest
from django.core import mail

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.dsr import services
from kliento.register import services as register
from kliento.register.models import ProfileValue, Subject
from tests.dsr.conftest import make_request

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["erasure", "cancellation"])
def test_completing_an_erasing_request_cancels_the_account(
    anna: Subject, cardholder: User, service_actor: Actor, kind: str
) -> None:
    register.profile_value_set(subject=anna, item_key="first_name", value="Anna",
                               actor=Actor.person(cardholder))  # fmt: skip
    request = make_request(service_actor, kind, verified=True)

    services.request_close(request=request, status="completed",
                           outcome="Your data has been erased.", actor=service_actor)  # fmt: skip

    anna.refresh_from_db()
    assert anna.erased_at is not None
    assert not User.objects.filter(pk=cardholder.pk).exists()
    assert not ProfileValue.objects.filter(subject=anna).exists()
    [answer] = mail.outbox
    assert answer.to == ["anna.virtanen@example.fi"]
    assert "Your data has been erased." in answer.body


def test_refusing_or_completing_another_kind_erases_nothing(
    anna: Subject, cardholder: User, service_actor: Actor
) -> None:
    refused = make_request(service_actor, "erasure", verified=True)
    services.request_close(request=refused, status="refused",
                           outcome="Kept by law.", actor=service_actor)  # fmt: skip
    access = make_request(service_actor, "access", verified=True)
    services.request_close(request=access, status="completed", outcome="Sent.",
                           actor=service_actor)  # fmt: skip

    anna.refresh_from_db()
    assert anna.erased_at is None
    assert User.objects.filter(pk=cardholder.pk).exists()
