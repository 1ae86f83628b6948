"""The Team page (/staff/team/, administrators only) and the staff services behind it:
invite, change a role, remove; the last administrator stays."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.utils import timezone

from kliento.accounts import staff as services
from kliento.accounts.models import StaffSetupToken, User
from kliento.accounts.roles import StaffRole
from kliento.accounts.selectors import staff_roles_of, staff_team
from kliento.accounts.services import staff_role_grant
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.common.errors import DomainError, ErrorCode
from tests.backoffice.conftest import signed_in, with_mfa
from tests.conftest import PASSWORD, MerchantWorld, make_user

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")
INVITEE = "kaisa.asiakaspalvelu@kliento.example"
LINK = re.compile(r"https?://[^/\s]+(/staff/setup/[\w-]+/)")


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def invite(client: Client, **data: str) -> Any:
    form = {"email": INVITEE, "role": "customer_service", "language": "fi", **data}
    return client.post("/staff/team/invite/", form)


# --- who may open the page ----------------------------------------------------------------


def test_administrator_sees_the_team_with_roles_login_mfa_and_invitation(
    admin_client: Client, administrator: User
) -> None:
    services.staff_invite(email=INVITEE, role="auditor", actor=SYSTEM)

    response = admin_client.get("/staff/team/")

    assert response.status_code == 200
    rows = {row["member"].email: row for row in response.context["rows"]}
    assert rows[administrator.email]["roles"] == [StaffRole.ADMINISTRATOR]
    assert rows[administrator.email]["member"].has_totp is True
    assert rows[administrator.email]["state"] == "active"
    assert rows[INVITEE]["roles"] == [StaffRole.AUDITOR]
    assert rows[INVITEE]["member"].has_totp is False
    assert rows[INVITEE]["state"] == "invited"
    content = response.content.decode()
    assert "TOTP on" in content
    assert "Not set up" in content
    assert "Sent, valid until" in content
    assert '<th scope="col">' in content


def test_the_team_list_takes_two_queries_however_many_members(
    administrator: User, django_assert_num_queries: Any
) -> None:
    for number in range(5):
        services.staff_invite(email=f"m{number}@kliento.example", role="marketing", actor=SYSTEM)
    with django_assert_num_queries(2):
        members = list(staff_team())
        assert [len(member.groups.all()) for member in members] == [1] * 6


@pytest.mark.parametrize(
    "role", [r for r in StaffRole if r != StaffRole.ADMINISTRATOR], ids=lambda r: r.value
)
def test_other_staff_roles_are_refused(staff_user, role: StaffRole) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(with_mfa(staff_user(role)))
    assert client.get("/staff/team/").status_code == 403
    assert invite(client).status_code == 403
    assert not User.objects.filter(email=INVITEE).exists()


def test_a_member_and_a_merchant_user_are_refused_as_on_every_staff_page(
    cardholder: User, merchant_a: MerchantWorld
) -> None:
    # The back-office guard answers 404 to any signed-in non-staff user (tests/accounts).
    for user in (cardholder, merchant_a.owner, merchant_a.cashier):
        client = signed_in(user)
        assert client.get("/staff/team/").status_code == 404
        assert invite(client).status_code == 404
    assert not User.objects.filter(email=INVITEE).exists()


def test_anonymous_is_sent_to_log_in() -> None:
    assert Client().get("/staff/team/")["Location"].startswith("/accounts/login/")


def test_administrators_find_the_team_on_the_start_page(admin_client: Client, staff_user) -> None:  # type: ignore[no-untyped-def]
    assert b'href="/staff/team/"' in admin_client.get("/staff/").content
    auditor = signed_in(with_mfa(staff_user(StaffRole.AUDITOR)))
    assert b'href="/staff/team/"' not in auditor.get("/staff/").content


# --- invite -------------------------------------------------------------------------------


def test_invite_creates_a_staff_login_and_mails_the_link_in_the_chosen_language(
    admin_client: Client, administrator: User
) -> None:
    response = invite(admin_client, language="fi")

    assert response.status_code == 302
    user = User.objects.get(email=INVITEE)
    assert user.is_staff
    assert staff_roles_of(user) == [StaffRole.CUSTOMER_SERVICE]
    assert not user.has_usable_password()
    [message] = mail.outbox
    assert message.to == [INVITEE]
    assert message.subject == "Kliento: ota henkilökunnan tunnuksesi käyttöön"
    assert "Asiakaspalvelu" in message.body or "asiakaspalvelu" in message.body.lower()
    match = LINK.search(message.body)
    assert match
    assert Client().get(match.group(1)).status_code == 200
    entry = AuditEntry.objects.get(action="staff.invite")
    assert entry.actor_id == str(administrator.public_id)
    assert entry.actor_role == "administrator"
    assert entry.context == {"user": str(user.public_id), "role": "customer_service"}
    page = admin_client.get("/staff/team/")
    assert INVITEE in page.content.decode()


@pytest.mark.parametrize("address", ["not-an-address", "kaisa@", ""])
def test_invite_refuses_an_invalid_address(admin_client: Client, address: str) -> None:
    response = invite(admin_client, email=address)
    assert response.status_code == 400
    assert b'aria-invalid="true"' in response.content
    assert User.objects.count() == 1
    assert mail.outbox == []


def test_invite_refuses_an_unknown_role(admin_client: Client) -> None:
    response = invite(admin_client, role="superuser")
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    assert not User.objects.filter(email=INVITEE).exists()
    assert mail.outbox == []


def test_invite_refuses_the_address_of_a_staff_member(admin_client: Client, staff_user) -> None:  # type: ignore[no-untyped-def]
    auditor = staff_user(StaffRole.AUDITOR)
    before = actions()

    response = invite(admin_client, email=auditor.email.upper(), role="administrator")

    assert response.status_code == 400
    assert b"belongs to a staff member already" in response.content
    assert staff_roles_of(auditor) == [StaffRole.AUDITOR]
    assert actions() == before
    assert mail.outbox == []


def test_invite_errors_are_in_the_users_language(admin_client: Client) -> None:
    response = admin_client.post(
        "/staff/team/invite/",
        {"email": "x", "role": "customer_service", "language": "fi"},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert response.status_code == 400
    assert 'lang="sv"' in response.content.decode()


def test_a_persons_login_can_be_invited_and_keeps_its_password(
    admin_client: Client, cardholder: User
) -> None:
    assert invite(admin_client, email=cardholder.email, role="marketing").status_code == 302
    cardholder.refresh_from_db()
    assert staff_roles_of(cardholder) == [StaffRole.MARKETING]
    assert cardholder.check_password(PASSWORD)
    assert len(mail.outbox) == 1


def test_the_services_refuse_bad_input_with_their_codes(administrator: User) -> None:
    cases = [
        ({"email": "nope", "role": "auditor"}, ErrorCode.EMAIL_INVALID),
        ({"email": INVITEE, "role": "root"}, ErrorCode.ROLE_UNKNOWN),
        ({"email": administrator.email, "role": "auditor"}, ErrorCode.ALREADY_STAFF),
    ]
    for kwargs, code in cases:
        with pytest.raises(DomainError) as refused:
            services.staff_invite(actor=SYSTEM, **kwargs)
        assert refused.value.code == code
    assert not User.objects.filter(email=INVITEE).exists()


def test_resend_gives_a_new_link_and_ends_the_old_one(admin_client: Client) -> None:
    invite(admin_client)
    user = User.objects.get(email=INVITEE)
    old = LINK.search(mail.outbox[0].body).group(1)  # type: ignore[union-attr]

    response = admin_client.post(f"/staff/team/{user.public_id}/resend/")

    assert response.status_code == 302
    new = LINK.search(mail.outbox[1].body).group(1)  # type: ignore[union-attr]
    assert Client().get(old).status_code == 410
    assert Client().get(new).status_code == 200
    assert "staff.invite_resend" in actions()


# --- change a role ------------------------------------------------------------------------


def test_change_a_role(admin_client: Client, staff_user) -> None:  # type: ignore[no-untyped-def]
    agent = staff_user(StaffRole.CUSTOMER_SERVICE)

    response = admin_client.post(f"/staff/team/{agent.public_id}/role/", {"role": "auditor"})

    assert response.status_code == 302
    assert staff_roles_of(agent) == [StaffRole.AUDITOR]
    assert actions()[-2:] == ["staff.role_grant", "staff.role_revoke"]


def test_change_to_an_unknown_role_is_refused(admin_client: Client, staff_user) -> None:  # type: ignore[no-untyped-def]
    agent = staff_user(StaffRole.CUSTOMER_SERVICE)
    before = actions()
    response = admin_client.post(
        f"/staff/team/{agent.public_id}/role/", {"role": "root"}, follow=True
    )
    assert b"Choose one of the staff roles" in response.content
    assert staff_roles_of(agent) == [StaffRole.CUSTOMER_SERVICE]
    assert actions() == before


def test_the_last_administrator_cannot_lose_the_role(
    admin_client: Client, administrator: User
) -> None:
    before = actions()
    response = admin_client.post(
        f"/staff/team/{administrator.public_id}/role/", {"role": "auditor"}, follow=True
    )
    assert b"This is the last administrator" in response.content
    assert staff_roles_of(administrator) == [StaffRole.ADMINISTRATOR]
    assert actions() == before


def test_an_administrator_can_step_down_when_another_can_log_in(
    admin_client: Client, administrator: User
) -> None:
    make_user("second.admin@kliento.example", role=StaffRole.ADMINISTRATOR)
    admin_client.post(f"/staff/team/{administrator.public_id}/role/", {"role": "auditor"})
    assert staff_roles_of(administrator) == [StaffRole.AUDITOR]


def test_an_invited_administrator_who_has_not_set_up_does_not_count(
    administrator: User,
) -> None:
    services.staff_invite(email=INVITEE, role="administrator", actor=SYSTEM)
    with pytest.raises(DomainError) as refused:
        services.staff_role_change(user=administrator, role="auditor", actor=SYSTEM)
    assert refused.value.code == ErrorCode.LAST_ADMINISTRATOR


def test_revoke_keeps_the_last_role_and_the_last_administrator(administrator: User) -> None:
    agent = make_user("two.roles@kliento.example", role=StaffRole.CUSTOMER_SERVICE)
    services.staff_role_revoke(user=agent, role="marketing", actor=SYSTEM)  # not held: no-op
    with pytest.raises(DomainError) as only:
        services.staff_role_revoke(user=agent, role="customer_service", actor=SYSTEM)
    assert only.value.code == ErrorCode.LAST_ROLE

    staff_role_grant(user=administrator, role=StaffRole.AUDITOR, actor=SYSTEM)
    with pytest.raises(DomainError) as last:
        services.staff_role_revoke(user=administrator, role="administrator", actor=SYSTEM)
    assert last.value.code == ErrorCode.LAST_ADMINISTRATOR
    services.staff_role_revoke(user=administrator, role="auditor", actor=SYSTEM)
    assert staff_roles_of(administrator) == [StaffRole.ADMINISTRATOR]
    assert actions()[-1] == "staff.role_revoke"


def test_role_change_and_remove_refuse_someone_who_is_not_staff(cardholder: User) -> None:
    for call in (
        lambda: services.staff_role_change(user=cardholder, role="auditor", actor=SYSTEM),
        lambda: services.staff_remove(user=cardholder, actor=SYSTEM),
    ):
        with pytest.raises(DomainError) as refused:
            call()
        assert refused.value.code == ErrorCode.NOT_STAFF


def test_pages_of_a_non_staff_user_are_not_found(admin_client: Client, cardholder: User) -> None:
    assert admin_client.get(f"/staff/team/{cardholder.public_id}/remove/").status_code == 404
    response = admin_client.post(f"/staff/team/{cardholder.public_id}/role/", {"role": "auditor"})
    assert response.status_code == 404
    assert not cardholder.groups.exists()


# --- remove -------------------------------------------------------------------------------


def test_remove_asks_then_takes_staff_status_and_roles_and_keeps_the_login(
    admin_client: Client, staff_user
) -> None:  # type: ignore[no-untyped-def]
    agent = with_mfa(staff_user(StaffRole.CUSTOMER_SERVICE))
    agent_client = signed_in(agent)
    assert agent_client.get("/staff/").status_code == 200

    page = admin_client.get(f"/staff/team/{agent.public_id}/remove/")
    assert page.status_code == 200
    assert agent.email in page.content.decode()
    response = admin_client.post(f"/staff/team/{agent.public_id}/remove/")

    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.is_active
    assert not agent.is_staff
    assert list(agent.groups.all()) == []
    assert agent.check_password(PASSWORD)
    assert agent_client.get("/staff/").status_code == 404
    entry = AuditEntry.objects.filter(action="staff.remove").get()
    assert entry.context["roles"] == ["customer_service"]
    assert Group.objects.filter(name="customer_service").exists()


def test_the_last_administrator_cannot_remove_themself(
    admin_client: Client, administrator: User
) -> None:
    before = actions()
    response = admin_client.post(f"/staff/team/{administrator.public_id}/remove/")
    assert response.status_code == 409
    assert b"This is the last administrator" in response.content
    administrator.refresh_from_db()
    assert administrator.is_staff
    assert staff_roles_of(administrator) == [StaffRole.ADMINISTRATOR]
    assert actions() == before


def test_an_administrator_may_remove_themself_when_another_remains(
    admin_client: Client, administrator: User
) -> None:
    make_user("second.admin@kliento.example", role=StaffRole.ADMINISTRATOR)
    response = admin_client.post(f"/staff/team/{administrator.public_id}/remove/")
    assert response["Location"] == "/"
    administrator.refresh_from_db()
    assert not administrator.is_staff


def test_removing_a_pending_member_ends_their_link(admin_client: Client) -> None:
    invite(admin_client)
    user = User.objects.get(email=INVITEE)
    link = LINK.search(mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    admin_client.post(f"/staff/team/{user.public_id}/remove/")
    assert Client().get(link).status_code == 404
    assert all(t.expires_at <= timezone.now() for t in StaffSetupToken.objects.filter(user=user))


def test_the_audit_log_lists_the_staff_actions(admin_client: Client, staff_user) -> None:  # type: ignore[no-untyped-def]
    invite(admin_client)
    user = User.objects.get(email=INVITEE)
    admin_client.post(f"/staff/team/{user.public_id}/role/", {"role": "auditor"})
    admin_client.post(f"/staff/team/{user.public_id}/remove/")
    auditor = signed_in(with_mfa(staff_user(StaffRole.AUDITOR)))
    content = auditor.get("/staff/audit/").content.decode()
    for action in ("staff.invite", "staff.role_grant", "staff.role_revoke", "staff.remove"):
        assert f"<code>{action}</code>" in content


def test_invitation_state_follows_the_newest_link(admin_client: Client, cardholder: User) -> None:
    invite(admin_client, email=cardholder.email)
    invite(admin_client, email=INVITEE)
    StaffSetupToken.objects.filter(user__email=INVITEE).update(expires_at=timezone.now())

    rows = {r["member"].email: r["state"] for r in admin_client.get("/staff/team/").context["rows"]}

    assert rows == {
        "administrator@kliento.example": "active",
        cardholder.email: "invited",  # a person's login keeps its password, yet is invited
        INVITEE: "expired",
    }
    assert b"Send a new link" in admin_client.get("/staff/team/").content


@pytest.mark.parametrize(
    ("language", "heading", "button"),
    [("fi", "Tiimi", "Lähetä kutsu"), ("sv", "Team", "Skicka inbjudan")],
)
def test_the_team_page_speaks_finnish_and_swedish(
    admin_client: Client, language: str, heading: str, button: str
) -> None:
    content = admin_client.get("/staff/team/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'lang="{language}"' in content
    assert f"<h1>{heading}</h1>" in content
    assert button in content


def test_the_invitation_mail_is_in_swedish_when_asked(admin_client: Client) -> None:
    invite(admin_client, language="sv", role="privacy_officer")
    [message] = mail.outbox
    assert message.subject == "Kliento: aktivera ditt personalkonto"
    assert "Länken fungerar en gång" in message.body
    assert "personalkonto i Klientos backoffice (Dataskyddsombud)." in message.body


def test_inviting_an_existing_person_keeps_their_own_language(cardholder: Any) -> None:
    from kliento.accounts import staff as staff_services
    from kliento.audit.actors import Actor

    cardholder.language = "sv"
    cardholder.save(update_fields=["language"])

    staff_services.staff_invite(
        email=cardholder.email, role="customer_service", actor=Actor.system("tests"),
        language="fi",
    )  # fmt: skip

    cardholder.refresh_from_db()
    assert cardholder.language == "sv"


def test_the_team_page_takes_as_many_queries_for_one_member_as_for_six(
    administrator: User, admin_client: Client, django_assert_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as alone:
        assert admin_client.get("/staff/team/").status_code == 200
    for number in range(5):
        services.staff_invite(email=f"p{number}@kliento.example", role="marketing", actor=SYSTEM)

    with django_assert_num_queries(len(alone.captured_queries)):
        assert admin_client.get("/staff/team/").status_code == 200
