"""The register holder's staff roles. Each is a Django group of the same name."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    MARKETING = "marketing", _("Marketing")
    ADMINISTRATOR = "administrator", _("Administrator")
    AUDITOR = "auditor", _("Auditor")
