"""The e-mail that carries a staff setup link, in the invitee's language."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from kliento.accounts.models import StaffSetupToken, User
from kliento.accounts.selectors import staff_roles_of


def default_base_url() -> str:
    """Where the service answers, for links made outside a request (commands): the
    first concrete host of KLIENTO_ALLOWED_HOSTS, over HTTPS unless KLIENTO_HTTPS=0."""
    hosts = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h and h != "*"]
    host = hosts[0] if hosts else "localhost:8000"
    return f"{settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL}://{host}"


def setup_link(*, base_url: str, token: str) -> str:
    return base_url.rstrip("/") + reverse("staff_setup:open", args=[token])


def setup_link_send(*, user: User, token: str, base_url: str) -> str:
    """Mail ``user`` their setup link (through the mail queue); return the link."""
    link = setup_link(base_url=base_url, token=token)
    expires_at = (
        StaffSetupToken.objects.filter(user=user)
        .order_by("-created_at")
        .values_list("expires_at", flat=True)
        .first()
    )
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "link": link,
            "roles": ", ".join(str(role.label) for role in staff_roles_of(user)),
            "expires_at": expires_at,
        }
        send_mail(
            subject=_("Kliento: set up your staff account"),
            message=render_to_string("staff/email/setup_link.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
    return link
