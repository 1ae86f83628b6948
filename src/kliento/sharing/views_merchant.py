"""The merchant's customer view (/merchant/<merchant id>/customers/).

Customers are the people with a visit or a membership at the merchant. The list shows
no profile value; a customer's page reads the items that person shares now, fresh, and
records the read (who, which premises, which items) in the same transaction. The CSV
export is a disclosure: one audit entry per exported person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import wraps
from typing import Any, Concatenate, ParamSpec
from uuid import UUID

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.common.spreadsheet import csv_row
from kliento.merchants import selectors as merchant_selectors
from kliento.merchants.models import Membership
from kliento.register import values
from kliento.sharing import customer_reads, selectors, services
from kliento.sharing.selectors import SHAREABLE

P = ParamSpec("P")
CUSTOMERS_PER_PAGE = 25
VIEW_PURPOSE = "customer view"


class CustomerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Card number or e-mail address"),
        required=False,
        max_length=254,
        help_text=_("Exact card number, or an e-mail address the customer shares with you."),
    )


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _member(
    view: Callable[Concatenate[HttpRequest, Membership, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, UUID, P], HttpResponseBase]:
    """Resolve ``merchant_id`` to the signed-in user's membership; anyone else gets 404."""

    @wraps(view)
    def wrapped(
        request: HttpRequest, merchant_id: UUID, *args: P.args, **kwargs: P.kwargs
    ) -> HttpResponseBase:
        membership = merchant_selectors.membership_of(user=_user(request), merchant_id=merchant_id)
        return view(request, membership, *args, **kwargs)

    return login_required(never_cache(wrapped))


def _actor(request: HttpRequest, membership: Membership) -> Actor:
    """The member reading; a cashier at exactly one premises reads from there."""
    premises = list(merchant_selectors.premises_for(membership=membership)[:2])
    at = premises[0] if not membership.manages and len(premises) == 1 else None
    return Actor.merchant_staff(
        _user(request), role=membership.role, merchant_id=str(membership.merchant.public_id),
        premises_id=str(at.public_id) if at else None, request=request,
    )  # fmt: skip


def _context(membership: Membership, **extra: Any) -> dict[str, Any]:
    return {"membership": membership, "merchant": membership.merchant, "section": "customers",
            **extra}  # fmt: skip


@_member
def customers(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The merchant's customers, last seen first, 25 a page; exact search only."""
    form = CustomerSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    found = selectors.customers_search(merchant=membership.merchant, query=query)
    page = Paginator(found, CUSTOMERS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = customer_reads.customers_shown(
        merchant=membership.merchant, rows=list(page.object_list)
    )
    return render(
        request,
        "sharing/merchant_customers.html",
        _context(membership, form=form, page=page, query=query),
    )


@_member
def customer_detail(
    request: HttpRequest, membership: Membership, customer_id: UUID
) -> HttpResponse:
    """One customer: visits at this merchant, loyalty, and only what they share now."""
    subject = customer_reads.customer_of(merchant=membership.merchant, customer_id=customer_id)
    view = customer_reads.customer_view(
        merchant=membership.merchant, subject=subject,
        actor=_actor(request, membership), purpose=VIEW_PURPOSE,
    )  # fmt: skip
    shared = [
        (item, [values.display(item, v) for v in (value if item.multiple else [value])])
        for item, value in view.shared_rows
    ]
    visits = [
        (visit, "" if visit.amount_cents is None
         else formats.number_format(Decimal(visit.amount_cents) / 100, 2) + " €")
        for visit in view.visits
    ]  # fmt: skip
    return render(
        request,
        "sharing/merchant_customer.html",
        _context(membership, customer=subject, view=view, shared=shared, visits=visits),
    )


def _export_rows(request: HttpRequest, membership: Membership) -> Iterator[str]:
    yield csv_row(["customer", "visits", "last_visit", *(i.key for i in SHAREABLE)])
    actor = _actor(request, membership)
    found = selectors.customers_of(merchant=membership.merchant)
    for subject in found.iterator(chunk_size=200):
        customer_reads.customers_shown(merchant=membership.merchant, rows=[subject])
        shared = services.customer_disclose(
            subject=subject, merchant=membership.merchant, actor=actor
        )
        cells = []
        for item in SHAREABLE:
            value = shared.get(item.key)
            if value is None:
                cells.append("")
            elif item.multiple:
                cells.append(" | ".join(values.display(item, v) for v in value))
            else:
                cells.append(values.display(item, value))
        last = subject.last_visit.isoformat() if subject.last_visit else ""  # type: ignore[attr-defined]
        yield csv_row([subject.customer_id, subject.visit_count, last, *cells])  # type: ignore[attr-defined]


@_member
def customers_export(request: HttpRequest, membership: Membership) -> StreamingHttpResponse:
    """Every customer's shared items as CSV (owners and managers only), streamed; each
    exported person gets a ``disclosure.merchant_export`` entry in their Activity."""
    if not membership.manages:
        raise PermissionDenied
    response = StreamingHttpResponse(
        _export_rows(request, membership), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="customers-{stamp}.csv"'
    return response
