"""The first administrator: `kliento staff create-admin` and the one-time setup link
(password, then TOTP before any staff page)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from io import StringIO

import pyotp
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from kliento.accounts import staff as services
from kliento.accounts.models import StaffSetupToken, User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.backoffice.management.commands.staff import CREATE_ADMIN_HELP
from kliento.common.errors import DomainError, ErrorCode
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/staff/setup/([\w-]+)/)")
SECRET_INPUT = re.compile(rb'id="authenticator_secret" value="([A-Z2-7]+)"')
ADDRESS = "first.admin@kliento.example"


def create_admin(*args: str) -> tuple[str, str]:
    """Run the command; returns its output and the path of the printed link."""
    out = StringIO()
    call_command("staff", "create-admin", *args, stdout=out)
    match = LINK.search(out.getvalue())
    assert match, out.getvalue()
    return out.getvalue(), match.group(1)


def test_create_admin_makes_a_passwordless_administrator_and_prints_and_mails_a_link() -> None:
    output, path = create_admin("--email", "First.Admin@Kliento.example", "--language", "sv")

    user = User.objects.get(email=ADDRESS)
    assert user.is_staff
    assert user.has_role(StaffRole.ADMINISTRATOR)
    assert not user.has_usable_password()
    assert user.language == "sv"
    assert "72 hours" in output
    [message] = mail.outbox
    assert message.to == [ADDRESS]
    assert path in message.body
    assert "personalkonto" in message.subject  # Swedish, the language asked for
    token = path.rstrip("/").rsplit("/", 1)[1]
    link = StaffSetupToken.objects.get(user=user)
    assert bytes(link.token_hash) == hashlib.sha256(token.encode()).digest()
    assert link.expires_at - timezone.now() > dt.timedelta(hours=71)
    assert link.expires_at - timezone.now() <= dt.timedelta(hours=72)
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-3:] == ["user.create", "staff.role_grant", "staff.invite"]


def test_a_second_administrator_needs_force() -> None:
    create_admin("--email", ADDRESS)
    with pytest.raises(CommandError, match="--force"):
        create_admin("--email", "second@kliento.example")
    assert not User.objects.filter(email="second@kliento.example").exists()
    assert len(mail.outbox) == 1

    create_admin("--email", "second@kliento.example", "--force")
    assert User.objects.get(email="second@kliento.example").has_role(StaffRole.ADMINISTRATOR)
    assert "--force" in CREATE_ADMIN_HELP


def test_running_again_for_an_unused_link_sends_a_new_one_and_ends_the_old() -> None:
    _output, first = create_admin("--email", ADDRESS)
    _output, second = create_admin("--email", ADDRESS)
    assert first != second
    assert User.objects.filter(email=ADDRESS).count() == 1
    assert Client().get(first).status_code == 410
    assert Client().get(second).status_code == 200


@pytest.mark.parametrize("address", ["not-an-address", "a@", ""])
def test_create_admin_refuses_an_invalid_address(address: str) -> None:
    with pytest.raises(CommandError, match="valid e-mail"):
        create_admin("--email", address)
    assert not User.objects.exists()
    assert mail.outbox == []


def test_the_service_refuses_a_second_administrator_with_its_code(administrator: User) -> None:
    with pytest.raises(DomainError) as refused:
        services.staff_first_admin_create(email=ADDRESS, actor=Actor.system("tests"))
    assert refused.value.code == ErrorCode.ADMINISTRATOR_EXISTS


# --- the setup link ---------------------------------------------------------------------


def test_setup_sets_the_password_logs_in_and_demands_totp_before_staff_pages() -> None:
    _output, path = create_admin("--email", ADDRESS)
    client = Client()
    page = client.get(path)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    assert ADDRESS.encode() in page.content

    response = client.post(path, {"password1": PASSWORD, "password2": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    user = User.objects.get(email=ADDRESS)
    assert user.check_password(PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    assert StaffSetupToken.objects.get(user=user).used_at is not None
    assert AuditEntry.objects.filter(action="staff.setup", actor_id=str(user.public_id)).exists()
    # No staff page before TOTP
    assert client.get("/staff/")["Location"] == "/accounts/2fa/totp/activate/"
    # The password was just typed: the activation page asks for it no second time
    activate = client.get("/accounts/2fa/totp/activate/")
    assert activate.status_code == 200
    match = SECRET_INPUT.search(activate.content)
    assert match, activate.content
    code = pyotp.TOTP(match.group(1).decode()).now()
    assert client.post("/accounts/2fa/totp/activate/", {"code": code}).status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    home = client.get("/staff/")
    assert home.status_code == 200
    assert b"/staff/team/" in home.content


def test_a_weak_password_is_refused_on_the_form_and_the_link_still_works() -> None:
    _output, path = create_admin("--email", ADDRESS)
    client = Client()

    response = client.post(path, {"password1": "salasana2024!", "password2": "salasana2024!"})

    assert response.status_code == 200
    assert b"data breach" in response.content
    assert b'aria-invalid="true"' in response.content
    user = User.objects.get(email=ADDRESS)
    assert not user.has_usable_password()
    assert StaffSetupToken.objects.get(user=user).used_at is None
    assert "_auth_user_id" not in client.session
    assert client.get(path).status_code == 200


def test_a_short_password_is_refused_in_finnish_for_a_finnish_browser() -> None:
    _output, path = create_admin("--email", ADDRESS)
    response = Client().post(
        path, {"password1": "lyhyt", "password2": "lyhyt"}, HTTP_ACCEPT_LANGUAGE="fi"
    )
    assert response.status_code == 200
    assert b"liian lyhyt" in response.content


def test_two_different_passwords_are_refused() -> None:
    _output, path = create_admin("--email", ADDRESS)
    response = Client().post(path, {"password1": PASSWORD, "password2": PASSWORD + "x"})
    assert response.status_code == 200
    assert b"do not match" in response.content
    assert not User.objects.get(email=ADDRESS).has_usable_password()


def test_a_used_link_shows_a_clear_page_and_changes_nothing() -> None:
    _output, path = create_admin("--email", ADDRESS)
    Client().post(path, {"password1": PASSWORD, "password2": PASSWORD})

    for response in (
        Client().get(path),
        Client().post(path, {"password1": "an0ther passphrase here", "password2": "x"}),
    ):
        assert response.status_code == 410
        assert b"used already" in response.content
    assert User.objects.get(email=ADDRESS).check_password(PASSWORD)


def test_an_expired_link_shows_a_clear_page_in_the_users_language() -> None:
    _output, path = create_admin("--email", ADDRESS)
    StaffSetupToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    response = Client().get(path, HTTP_ACCEPT_LANGUAGE="fi")
    assert response.status_code == 410
    assert b'lang="fi"' in response.content
    assert b"vanhentunut" in response.content
    posted = Client().post(path, {"password1": PASSWORD, "password2": PASSWORD})
    assert posted.status_code == 410
    assert not User.objects.get(email=ADDRESS).has_usable_password()


def test_an_unknown_link_is_not_found() -> None:
    response = Client().get("/staff/setup/not-a-real-token/")
    assert response.status_code == 404
    assert b"not valid" in response.content


def test_the_service_refuses_used_expired_and_unknown_tokens_with_their_codes() -> None:
    user, token = services.staff_invite(
        email=ADDRESS, role=StaffRole.AUDITOR, actor=Actor.system("tests")
    )
    with pytest.raises(DomainError) as weak:
        services.staff_setup_complete(token=token, password="short")
    assert weak.value.code == ErrorCode.PASSWORD_REJECTED
    assert weak.value.details["field"] == "password"
    services.staff_setup_complete(token=token, password=PASSWORD)
    with pytest.raises(DomainError) as used:
        services.staff_setup_complete(token=token, password=PASSWORD)
    assert used.value.code == ErrorCode.SETUP_LINK_USED
    with pytest.raises(DomainError) as unknown:
        services.staff_setup_complete(token="nope", password=PASSWORD)
    assert unknown.value.code == ErrorCode.SETUP_LINK_UNKNOWN
    fresh = services.staff_setup_link_renew(user=user, actor=Actor.system("tests"))
    StaffSetupToken.objects.filter(used_at=None).update(expires_at=timezone.now())
    with pytest.raises(DomainError) as expired:
        services.staff_setup_complete(token=fresh, password=PASSWORD)
    assert expired.value.code == ErrorCode.SETUP_LINK_EXPIRED


def test_a_link_of_a_removed_member_stops_working(administrator: User) -> None:
    user, token = services.staff_invite(
        email=ADDRESS, role=StaffRole.AUDITOR, actor=Actor.system("tests")
    )
    services.staff_remove(user=user, actor=Actor.system("tests"))
    assert Client().get(f"/staff/setup/{token}/").status_code in {404, 410}


def test_a_signed_in_person_opening_a_link_ends_up_as_the_invitee() -> None:
    other = make_user("someone.else@example.fi")
    _output, path = create_admin("--email", ADDRESS)
    client = Client()
    client.force_login(other)
    client.post(path, {"password1": PASSWORD, "password2": PASSWORD})
    assert client.session["_auth_user_id"] == str(User.objects.get(email=ADDRESS).pk)
