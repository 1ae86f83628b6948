"""The merchant's customers for integrations: a terminal or integration token, scoped to
its merchant; another merchant's customer is a 404 like an unknown one. Customers are
named by their id at this merchant (sharing/pseudonyms.py)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from kliento.merchants.api_auth import MerchantClient, merchant_read_auth
from kliento.register.models import Subject
from kliento.sharing import customer_reads, selectors
from kliento.sharing.schemas import CustomerDetailOut, CustomerPageOut

router = Router(tags=["customers"], auth=merchant_read_auth)
API_PURPOSE = "customer API"


class CustomerQuery(Schema):
    search: str = Field(
        default="", max_length=254,
        description="An exact card number, or an e-mail address the customer shares with you.",
    )  # fmt: skip
    limit: int = Field(default=25, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=1_000_000_000)  # past it, no database answers


def _summary(subject: Subject) -> dict[str, Any]:
    return {
        "id": subject.customer_id,  # type: ignore[attr-defined]
        "visits": subject.visit_count,  # type: ignore[attr-defined]
        "last_visit": subject.last_visit,  # type: ignore[attr-defined]
        "member_since": subject.member_since,  # type: ignore[attr-defined]
        "shared_items": subject.shared_count,  # type: ignore[attr-defined]
    }


@router.get(
    "/merchant/customers", response=CustomerPageOut, summary="List the merchant's customers"
)
def customer_list(request: HttpRequest, params: Query[CustomerQuery]) -> dict[str, Any]:
    client: MerchantClient = request.auth  # type: ignore[attr-defined]
    merchant = client.merchant
    found = selectors.customers_search(merchant=merchant, query=params.search)
    rows = customer_reads.customers_shown(
        merchant=merchant, rows=list(found[params.offset : params.offset + params.limit])
    )
    return {
        "count": found.count(),
        "limit": params.limit,
        "offset": params.offset,
        "results": [_summary(s) for s in rows],
    }


@router.get(
    "/merchant/customers/{customer_id}",
    response=CustomerDetailOut,
    summary="One customer: visits, loyalty and the items they share now",
)
def customer_detail(request: HttpRequest, customer_id: UUID) -> dict[str, Any]:
    client: MerchantClient = request.auth  # type: ignore[attr-defined]
    merchant = client.merchant
    subject = customer_reads.customer_of(merchant=merchant, customer_id=customer_id)
    actor = client.actor(request)
    view = customer_reads.customer_view(
        merchant=merchant, subject=subject, actor=actor, purpose=API_PURPOSE
    )
    return {
        **_summary(subject),
        "shared": view.shared,
        "loyalty": [
            {"program": s.program.public_id, "name": s.program.name, "kind": s.program.kind,
             "points": s.points, "stamps": s.stamps}
            for s in view.programs
        ],
        "rewards_available": [
            {"id": r.public_id, "program": r.program.public_id,
             "name": r.program.reward_name, "expires_at": r.expires_at}
            for r in view.rewards
        ],
        "recent_visits": [
            {"id": v.public_id, "at": v.at, "premises": v.premises.public_id,
             "amount": v.amount_cents}
            for v in view.visits
        ],
    }  # fmt: skip
