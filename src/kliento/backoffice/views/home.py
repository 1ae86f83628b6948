"""The back-office start page (/staff/): the areas the signed-in staff user's roles open."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kliento.accounts.roles import StaffRole
from kliento.backoffice.guards import Staff, staff_view


@dataclass(frozen=True)
class StaffArea:
    """One area of the back-office and the roles that work in it."""

    title: str | Promise
    description: str | Promise
    roles: frozenset[StaffRole]
    url_name: str  # every area has its pages: nothing says "coming soon"


STAFF_AREAS = (
    StaffArea(
        _("Data subject requests"),
        _("Access, export, correction and erasure requests with their due dates."),
        frozenset({StaffRole.CUSTOMER_SERVICE, StaffRole.PRIVACY_OFFICER}),
        url_name="dsr_staff:list",
    ),
    StaffArea(
        _("Customer support"),
        _("Find a cardholder's account to help them; every look is recorded and shown to them."),
        frozenset({StaffRole.CUSTOMER_SERVICE, StaffRole.PRIVACY_OFFICER}),
        url_name="staff:person_search",
    ),
    StaffArea(
        _("Lost cards"),
        _("Block a card a caller reports lost; the block is recorded with your reason."),
        frozenset({StaffRole.CUSTOMER_SERVICE}),
        url_name="staff_cards:block",
    ),
    StaffArea(
        _("Card stock"),
        _("Issue batches of Kliento cards for printing, then activate or void them."),
        frozenset({StaffRole.CUSTOMER_SERVICE, StaffRole.ADMINISTRATOR}),
        url_name="staff_card_stock:batches",
    ),
    StaffArea(
        _("Card issuers"),
        _("Travel-card issuers and merchants whose cards act as Kliento cards."),
        frozenset({StaffRole.ADMINISTRATOR}),
        url_name="staff_card_stock:issuers",
    ),
    StaffArea(
        _("Privacy"),
        _("Records of processing, retention, disclosures to card issuers and partners."),
        frozenset({StaffRole.PRIVACY_OFFICER, StaffRole.AUDITOR}),
        url_name="staff_disclosures:ropa",
    ),
    StaffArea(
        _("Recipients"),
        _("Card issuers, partners and service providers that receive data, and their webhooks."),
        frozenset({StaffRole.PRIVACY_OFFICER, StaffRole.ADMINISTRATOR}),
        url_name="staff_disclosures:recipients",
    ),
    StaffArea(
        _("Campaigns"),
        _("Marketing campaigns, surveys and prize draws to people who consented."),
        frozenset({StaffRole.MARKETING}),
        url_name="staff_campaigns:list",
    ),
    StaffArea(
        _("Surveys and prize draws"),
        _("Opinion surveys and prize draws for people who consented; totals and draws."),
        frozenset({StaffRole.MARKETING}),
        url_name="staff_surveys:list",
    ),
    StaffArea(
        _("Merchant approvals"),
        _("Approve merchants and their premises before they can check people in."),
        frozenset({StaffRole.ADMINISTRATOR}),
        url_name="staff_merchants:queue",
    ),
    StaffArea(
        _("Team"),
        _("Staff members, their roles and two-factor state; invite and remove staff."),
        frozenset({StaffRole.ADMINISTRATOR}),
        url_name="staff_team:list",
    ),
    StaffArea(
        _("Administration"),
        _("Users, staff roles and settings in the Django admin."),
        frozenset({StaffRole.ADMINISTRATOR}),
        url_name="admin:index",
    ),
    StaffArea(
        _("Audit log"),
        _("The tamper-evident log of every access to personal data."),
        frozenset({StaffRole.AUDITOR, StaffRole.PRIVACY_OFFICER}),
        url_name="staff:audit_log",
    ),
)


@staff_view(*StaffRole)
def staff_home(request: HttpRequest, staff: Staff) -> HttpResponse:
    """The back-office start page: the areas the signed-in staff user's roles open.

    MFA is already enforced by StaffMfaMiddleware before this view runs.
    """
    areas = [area for area in STAFF_AREAS if area.roles.intersection(staff.held)]
    return render(request, "staff/home.html", {"roles": staff.held, "areas": areas})
