"""The e-mails of merchant onboarding, each in the applicant's own language."""

from __future__ import annotations

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from kliento.merchants.models import MerchantApplication
from kliento.merchants.onboarding import APPLICATION_LINK_VALIDITY, application_contact


def _send(application: MerchantApplication, subject: str, template: str, **context: object) -> None:
    contact = application_contact(application)
    body = render_to_string(template, {"application": application, "contact": contact, **context})
    send_mail(subject, body, None, [contact.email])


def mail_verification(application: MerchantApplication, *, link: str) -> None:
    """The link that verifies the applicant's e-mail address."""
    with translation.override(application.language):
        _send(
            application,
            _("Confirm your Kliento merchant application"),
            "merchant/email/application_verify.txt",
            link=link,
            days=APPLICATION_LINK_VALIDITY.days,
        )


def mail_approved(application: MerchantApplication, *, link: str) -> None:
    """The merchant is approved: the portal's address."""
    with translation.override(application.language):
        _send(
            application,
            _("%(name)s is now a Kliento merchant") % {"name": application.business_name},
            "merchant/email/application_approved.txt",
            link=link,
        )


def mail_rejected(application: MerchantApplication) -> None:
    """The application was rejected, with the administrator's reason."""
    with translation.override(application.language):
        _send(
            application,
            _("Your Kliento merchant application"),
            "merchant/email/application_rejected.txt",
        )
