"""While a person's processing is restricted (GDPR art. 18), merchants read none of what
they share: the customer page and the API show no shared items and record no read."""

from __future__ import annotations

import pytest
from django.test import Client

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.register.models import ProcessingRestriction, Subject
from kliento.sharing import services as sharing
from tests.conftest import MerchantWorld
from tests.sharing.conftest import api_checkin, api_get
from tests.sharing.test_customer_view import cid, page_url

pytestmark = pytest.mark.django_db


def test_a_restricted_customer_shares_nothing_until_the_restriction_is_lifted(
    client: Client, merchant_a: MerchantWorld, cardholder: User, person: tuple[Subject, str]
) -> None:
    subject, number = person
    sharing.grants_set(subject=subject, merchant=merchant_a.merchant, items=["first_name"],
                       actor=Actor.person(cardholder))  # fmt: skip
    api_checkin(client, merchant_a, number)
    api_path = f"/api/v1/merchant/customers/{cid(merchant_a, subject)}"
    assert api_get(client, merchant_a, api_path).json()["shared"] == {"first_name": "Anneli"}

    # When the person's processing is restricted
    restriction = ProcessingRestriction.objects.create(subject=subject, reason="Accuracy")
    reads_before = AuditEntry.objects.filter(action="profile.read").count()

    # Then the API and the page show nothing shared, and nothing was read
    assert api_get(client, merchant_a, api_path).json()["shared"] == {}
    client.force_login(merchant_a.cashier)
    assert "Anneli" not in client.get(page_url(merchant_a, subject)).content.decode()
    assert AuditEntry.objects.filter(action="profile.read").count() == reads_before

    # And once lifted, the grant works again
    ProcessingRestriction.objects.filter(pk=restriction.pk).update(lifted_at=restriction.started_at)
    assert api_get(client, merchant_a, api_path).json()["shared"] == {"first_name": "Anneli"}
