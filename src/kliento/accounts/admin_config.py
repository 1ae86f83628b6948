"""App config that replaces ``django.contrib.admin`` in INSTALLED_APPS.

Its own module, free of model imports, because Django imports it while loading apps.
"""

from django.contrib.admin.apps import AdminConfig


class KlientoAdminConfig(AdminConfig):
    """Makes ``admin.site`` the administrators-only site (MFA, allauth sign-in)."""

    default_site = "kliento.accounts.admin_site.KlientoAdminSite"
