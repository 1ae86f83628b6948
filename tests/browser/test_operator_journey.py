"""The whole operator journey on an empty database (no demo data), in Chromium, through
the product's own pages: the first administrator from the CLI, a customer service agent,
a shop that applies and is approved, its owner's premises, cashier, terminal and stamp
program, a batch of cards, a check-in, a person who registers the card, and customer
service finding that person by the card number pasted with spaces.

Every page is photographed at 1280 and at 390 px, must not scroll sideways on a phone,
and must have no axe-core WCAG 2.1 A/AA violation. One browser context per actor, each
signed in once (a TOTP code is good once per 30-second window)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import BrowserContext, Page, expect

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.accounts.selectors import staff_roles_of
from kliento.cards.models import Card
from kliento.merchants.models import Membership, Merchant, Premises
from kliento.register import services as register
from kliento.visits.models import LoyaltyProgram, Visit
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, fresh_code, screenshot

# serialized_rollback: the rows the migrations write (roles, purposes, the card issuer)
# are back for the second language after the first one's flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ADMIN = "aino.yllapitaja@kliento.example"
AGENT = "kaisa.asiakaspalvelu@kliento.example"
OWNER = "omistaja@kahvila-kukka.example"
CASHIER = "kassa@kahvila-kukka.example"
PERSON = "selma.asiakas@example.fi"
PASSWORDS = {
    ADMIN: "revontulet tanssivat tunturin yllä",
    AGENT: "kaamos kietoo kylän sinisiin",
    OWNER: "a long and unusual passphrase 81",
    CASHIER: "kassakone laulaa aamuisin 42",
    PERSON: "lumiset kuuset kuiskaavat pakkasyössä",
}
LOCALES = {"fi": "fi-FI", "en": "en-GB"}
SETUP_LINK = re.compile(r"https?://[^/\s]+(/staff/setup/[\w-]+/)")
VERIFY_LINK = re.compile(r"https?://[^/\s]+(/merchants/apply/verify/\S+/)")
INVITATION_LINK = re.compile(r"https?://[^/\s]+(/merchant/invitations/\S+/)")
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)")
SUBMIT = "main form button[type=submit]"


class Journey:
    """Numbers the pages, photographs them at both widths and collects what is wrong."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.number = 0
        self.violations: dict[str, list[str]] = {}
        self.overflows: dict[str, int] = {}
        self.broken: dict[str, int] = {}
        self.followed: set[tuple[int, str]] = set()

    def page(self, page: Page, step: str) -> None:
        page.wait_for_load_state()
        self.number += 1
        name = f"operator-{self.number:02d}-{step}"
        for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)  # type: ignore[arg-type]
            screenshot(page, f"{name}-{size}-{self.language}")
            if size == "phone":
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    self.overflows[f"{name} {page.url}"] = width
            found = axe_violations(page)
            if found:
                self.violations[f"{name}-{size} {page.url}"] = found
        page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
        self.follow_links(page, name)

    def follow_links(self, page: Page, name: str) -> None:
        """Every link on the page to the site itself answers, for this actor, without an
        error. Downloads aside (fetching one is recorded as printing the cards), and the
        page itself (a second GET of the TOTP page would draw a new secret)."""
        hrefs = page.eval_on_selector_all(
            "a[href]:not([download])",
            "links => links.filter(a => a.origin === location.origin)"
            ".map(a => a.pathname + a.search)",
        )
        self.followed.add((id(page.context), page.evaluate("location.pathname + location.search")))
        for href in hrefs:
            key = (id(page.context), href)
            if key in self.followed:
                continue
            self.followed.add(key)
            status = page.request.get(href).status
            if status >= 400:
                self.broken[f"{name}: {href}"] = status


def submit(page: Page, selector: str = SUBMIT) -> None:
    page.locator(selector).first.click()
    page.wait_for_load_state()


def no_cookies(page: Page) -> None:
    """Answer the cookie banner once per browser: only the cookies the site needs."""
    reject = page.locator("form[data-cookie-form] button[value=reject]")
    if reject.count():
        reject.first.click()
        expect(reject).to_have_count(0)


def link_in_last_mail(to: str, pattern: re.Pattern[str]) -> str:
    message = next(m for m in reversed(mail.outbox) if to in m.to)
    found = pattern.search(str(message.body))
    assert found, message.body
    return found.group(1)


def set_up_staff_account(page: Page, journey: Journey, link: str, email: str, who: str) -> None:
    """The setup link: a password, then TOTP straight away."""
    page.goto(link)
    no_cookies(page)
    journey.page(page, f"{who}-setup")
    page.locator("#id_password1").fill(PASSWORDS[email])
    page.locator("#id_password2").fill(PASSWORDS[email])
    submit(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    journey.page(page, f"{who}-totp")
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("#id_code").fill(fresh_code(secret))
    submit(page)
    if "/recovery-codes" in page.url:
        journey.page(page, f"{who}-recovery-codes")
    page.goto("/staff/")
    expect(page).to_have_url(re.compile(r"/staff/$"))
    journey.page(page, f"{who}-staff-home")


def sign_up_and_log_in(page: Page, journey: Journey, email: str, who: str) -> None:
    """An allauth sign-up, the e-mailed confirmation link, then the login form."""
    page.goto("/accounts/signup/")
    no_cookies(page)
    journey.page(page, f"{who}-signup")
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(PASSWORDS[email])
    page.locator("#id_password2").fill(PASSWORDS[email])
    submit(page)
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    journey.page(page, f"{who}-verification-sent")
    page.goto(link_in_last_mail(email, CONFIRM_LINK))
    journey.page(page, f"{who}-confirm-email")
    submit(page)
    log_in(page, journey, email, who)


def log_in(page: Page, journey: Journey, email: str, who: str) -> None:
    page.goto("/accounts/login/")
    no_cookies(page)
    journey.page(page, f"{who}-login")
    page.locator("main input[name=login]").fill(email)
    page.locator("main input[name=password]").fill(PASSWORDS[email])
    submit(page, "main form[action='/accounts/login/'] button[type=submit]")
    assert "/accounts/login/" not in page.url, page.url


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_operator_journey_from_an_empty_database(
    new_context: Callable[..., BrowserContext], live_server: Any, language: str
) -> None:
    assert not Merchant.objects.exists()
    assert not Card.objects.exists()
    cache.clear()  # allauth's rate limits (one confirmation mail an address a few minutes)
    journey = Journey(language)

    def browser_of() -> Page:
        return new_context(locale=LOCALES[language], viewport=DESKTOP).new_page()

    # 1. The first administrator, from the command line
    out = StringIO()
    call_command(
        "staff", "create-admin", "--email", ADMIN, "--language", language,
        "--base-url", live_server.url, stdout=out,
    )  # fmt: skip
    found = SETUP_LINK.search(out.getvalue())
    assert found, out.getvalue()
    admin = browser_of()
    set_up_staff_account(admin, journey, found.group(1), ADMIN, "admin")
    expect(admin.locator("html")).to_have_attribute("lang", language)

    # 2. The administrator invites a customer service agent on the Team page
    admin.locator("main a[href='/staff/team/']").first.click()
    journey.page(admin, "admin-team")
    admin.locator("#id_email").fill(AGENT)
    admin.locator("#id_role").select_option(StaffRole.CUSTOMER_SERVICE.value)
    admin.locator("#id_language").select_option(language)
    submit(admin, "main form[action='/staff/team/invite/'] button[type=submit]")
    expect(admin.locator("main")).to_contain_text(AGENT)
    journey.page(admin, "admin-team-invited")
    assert staff_roles_of(User.objects.get(email=AGENT)) == [StaffRole.CUSTOMER_SERVICE]

    # 3. The agent sets up their account from the mailed link
    agent = browser_of()
    set_up_staff_account(agent, journey, link_in_last_mail(AGENT, SETUP_LINK), AGENT, "agent")

    # 4. A shop applies and verifies its e-mail address, setting its password
    owner = browser_of()
    owner.goto("/")
    no_cookies(owner)
    journey.page(owner, "front-page")
    owner.locator("main a[href='/merchants/apply/']").first.click()
    journey.page(owner, "merchant-apply")
    expect(owner.locator("#id_language")).to_have_value(language)
    for field, value in (
        ("business_name", "Kahvila Kukka Oy"),
        ("business_id", "0112038-9"),
        ("contact_name", "Kaisa Kukka"),
        ("email", OWNER),
        ("phone", "+358 40 123 4567"),
        ("premises_name", "Kahvila Kukka, Kallio"),
        ("street", "Helsinginkatu 5"),
        ("postal_code", "00500"),
        ("city", "Helsinki"),
    ):
        owner.locator(f"#id_{field}").fill(value)
    submit(owner)
    expect(owner).to_have_url(re.compile(r"/merchants/apply/sent/$"))
    journey.page(owner, "merchant-apply-sent")
    owner.goto(link_in_last_mail(OWNER, VERIFY_LINK))
    journey.page(owner, "merchant-verify")
    owner.locator("#id_password1").fill(PASSWORDS[OWNER])
    owner.locator("#id_password2").fill(PASSWORDS[OWNER])
    submit(owner)
    journey.page(owner, "merchant-verified")

    # 5. The administrator approves the application
    admin.goto("/staff/")
    admin.locator("main a[href='/staff/merchants/']").first.click()
    journey.page(admin, "admin-merchant-queue")
    admin.locator("main table a", has_text="Kahvila Kukka Oy").click()
    journey.page(admin, "admin-merchant-application")
    submit(admin, "main form:has(input[name=decision][value=approve]) button[type=submit]")
    expect(admin.locator("h1")).to_have_text("Kahvila Kukka Oy")
    journey.page(admin, "admin-merchant-approved")
    merchant = Merchant.objects.get()
    assert merchant.status == Merchant.Status.APPROVED
    portal = f"/merchant/{merchant.public_id}/"

    # 6. The owner signs in: premises, a cashier, a terminal and a stamp program
    owner.goto("/merchant/")
    if "/accounts/login/" in owner.url:
        log_in(owner, journey, OWNER, "owner")
        owner.goto("/merchant/")
    expect(owner).to_have_url(re.compile(f"{portal}$"))
    journey.page(owner, "owner-dashboard")

    owner.locator(f"a[href='{portal}premises/']").first.click()
    journey.page(owner, "owner-premises")
    owner.locator(f"main a[href='{portal}premises/new/']").first.click()
    journey.page(owner, "owner-premises-new")
    owner.locator("#id_name").fill("Kahvila Kukka, Kamppi")
    owner.locator("#id_street").fill("Urho Kekkosen katu 1")
    owner.locator("#id_postal_code").fill("00100")
    owner.locator("#id_city").fill("Helsinki")
    submit(owner)
    expect(owner).to_have_url(re.compile(f"{portal}premises/$"))
    expect(owner.locator("main")).to_contain_text("Kahvila Kukka, Kamppi")
    journey.page(owner, "owner-premises-added")
    kamppi = Premises.objects.get(merchant=merchant, name="Kahvila Kukka, Kamppi")

    owner.locator(f"a[href='{portal}staff/']").first.click()
    journey.page(owner, "owner-staff")
    owner.locator("#id_email").fill(CASHIER)
    owner.locator("#id_role").select_option(Membership.Role.CASHIER.value)
    owner.locator(f"input[name=premises][value='{kamppi.public_id}']").check()
    submit(owner)
    expect(owner.locator("main")).to_contain_text(CASHIER)
    journey.page(owner, "owner-staff-invited")

    owner.locator(f"a[href='{portal}terminals/']").first.click()
    journey.page(owner, "owner-terminals")
    owner.locator("#id_name").fill("Kassa 1")
    owner.locator("#id_premises").select_option(str(kamppi.public_id))
    submit(owner)
    expect(owner.locator("main")).to_contain_text("Kassa 1")
    journey.page(owner, "owner-terminal-created")

    owner.locator(f"a[href='{portal}programs/']").first.click()
    journey.page(owner, "owner-programs")
    owner.locator(f"main a[href='{portal}programs/new/']").first.click()
    journey.page(owner, "owner-program-new")
    owner.locator("#id_name").fill("Kahvikortti")
    owner.locator(f"input[name=kind][value='{LoyaltyProgram.Kind.STAMPS.value}']").check()
    owner.locator("#id_reward_name").fill("Ilmainen kahvi")
    owner.locator("#id_stamps_required").fill("5")
    submit(owner)
    expect(owner).to_have_url(re.compile(f"{portal}programs/$"))
    expect(owner.locator("main")).to_contain_text("Kahvikortti")
    journey.page(owner, "owner-program-created")
    program = LoyaltyProgram.objects.get(merchant=merchant)

    # 7. The cashier accepts the mailed invitation and sets up their login
    cashier = browser_of()
    invitation = link_in_last_mail(CASHIER, INVITATION_LINK)
    sign_up_and_log_in(cashier, journey, CASHIER, "cashier")
    cashier.goto(invitation)
    journey.page(cashier, "cashier-invitation")
    submit(cashier)
    expect(cashier).to_have_url(re.compile(f"{portal}checkin/$"))
    journey.page(cashier, "cashier-checkin")
    assert Membership.objects.get(user__email=CASHIER).role == Membership.Role.CASHIER

    # 8. Customer service issues, downloads and activates a batch of five cards
    agent.locator("main a[href='/staff/cards/batches/']").first.click()
    journey.page(agent, "agent-card-stock")
    agent.locator("main a[href='/staff/cards/batches/new/']").first.click()
    journey.page(agent, "agent-card-batch-issue")
    agent.locator("#id_size").fill("5")
    submit(agent)
    journey.page(agent, "agent-card-batch")
    with agent.expect_download() as download:
        agent.locator("main a[href$='.csv'], main a[href*='/csv']").first.click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert rows[0] == ["number", "formatted_number", "registration_code"]
    assert len(rows) == 6
    number, formatted, code = rows[3]
    assert formatted.replace(" ", "") == number
    assert " " in formatted
    submit(agent, "main form[action$='/activate/'] button[type=submit]")
    journey.page(agent, "agent-card-batch-active")

    # 9. The cashier checks that card in
    cashier.locator("#id_card").fill(number)
    cashier.locator("#id_card").press("Enter")
    cashier.wait_for_load_state()
    expect(cashier.locator("#result-heading")).to_be_visible()
    expect(cashier.locator("main")).to_contain_text("Kahvikortti")
    journey.page(cashier, "cashier-checked-in")
    visit = Visit.objects.get()
    assert visit.premises == kamppi

    # 10. A person signs up and registers the card with the leaflet's code
    person = browser_of()
    sign_up_and_log_in(person, journey, PERSON, "person")
    person.goto("/profile/cards/")
    journey.page(person, "person-cards")
    person.locator("main a[href='/profile/cards/register/']").first.click()
    journey.page(person, "person-card-register")
    person.locator("#id_card_number").fill(formatted)
    person.locator("#id_code").fill(code)
    submit(person)
    expect(person).to_have_url(re.compile(r"/profile/cards/$"))
    expect(person.locator("main")).to_contain_text(number[-4:])
    journey.page(person, "person-card-registered")
    subject = register.subject_of(User.objects.get(email=PERSON))
    (card,) = Card.objects.filter(holder=subject, kind=Card.Kind.KLIENTO)
    assert card.batch is not None
    assert card.batch_position is not None

    # 11. Customer service pastes the number with spaces and opens the person
    agent.goto("/staff/")
    agent.locator("main a[href='/staff/people/']").first.click()
    journey.page(agent, "agent-people")
    agent.locator("#id_value").fill(formatted)
    submit(agent, "main form.staff-search-form button[type=submit]")
    expect(agent.locator(".staff-result")).to_have_count(1)
    journey.page(agent, "agent-people-found")
    result = agent.locator(".staff-result")
    result.locator("input[name=purpose]").fill("Tiketti 4711: leima puuttuu")
    result.locator("button[type=submit]").click()
    agent.wait_for_load_state()
    visits = agent.locator("table.person-table", has_text="Kahvila Kukka, Kamppi")
    expect(visits.locator("tbody tr")).to_have_count(1)
    stamps = agent.locator(f"#program-{program.public_id}")
    expect(stamps.locator("[data-balance=stamps]")).to_have_text("1")
    journey.page(agent, "agent-person")

    assert journey.overflows == {}, journey.overflows
    assert len(journey.followed) > 50  # the links were followed
    assert journey.broken == {}, journey.broken
    assert journey.violations == {}, "\n".join(
        f"{where}: {line}" for where, lines in journey.violations.items() for line in lines
    )
