"""``kliento demo`` merchants, cards and visits: reused on a second run, and the printed
secrets (terminal tokens, the spare cards' registration codes) work."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client

from kliento.accounts.models import User
from kliento.cards.models import Card
from kliento.merchants.models import Membership, Merchant, Premises, Terminal
from kliento.visits.models import LoyaltyProgram, Visit

pytestmark = pytest.mark.django_db
NUMBER = r"\d{4} \d{4} \d{4} \d{4}"  # a Kliento card number as the demo prints it


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Merchant, Premises, Terminal, Membership, LoyaltyProgram, Card, Visit)
    )


def test_demo_loyalty_data_is_reused_and_its_printed_secrets_work(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    first = run_demo()
    made = counts()
    second = run_demo()

    assert counts() == made
    assert made[:2] == (2, 3)  # two merchants, three premises
    assert Merchant.objects.filter(status=Merchant.Status.APPROVED).count() == 2
    assert {p.kind for p in LoyaltyProgram.objects.all()} == {"points", "stamps"}
    assert Visit.objects.values("merchant").distinct().count() == 2
    cashier = Membership.objects.get(user__email="cashier@demo.kliento.fi")
    assert cashier.role == Membership.Role.CASHIER
    assert cashier.premises.exists()
    # Tokens and the registration code are printed the first time only.
    tokens = re.findall(r"terminal token \(.*\): (kl_\S+)", first)
    assert len(tokens) == 3
    assert "kl_" not in second
    [cardholder_card] = re.findall(rf"({NUMBER})  registered to the demo cardholder", first)
    spares = re.findall(rf"({NUMBER})  unregistered; registration code: (\w+)", first)
    assert len(spares) == 3
    assert "registration code:" not in second
    assert cardholder_card in second
    spare_card, code = spares[0]

    checkin = Client().post(
        "/api/v1/checkins", json.dumps({"card": cardholder_card}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {tokens[0]}",
    )  # fmt: skip
    assert checkin.status_code == 201, checkin.content
    assert checkin.json()["card"]["registered"] is True

    person = Client()
    person.force_login(User.objects.get(email="cardholder@demo.kliento.fi"))
    registered = person.post(
        "/api/v1/me/cards/register",
        json.dumps({"card_number": spare_card, "code": code}),
        content_type="application/json",
    )
    assert registered.status_code == 201, registered.content
    assert person.get("/api/v1/me/visits").json()["count"] == 7
