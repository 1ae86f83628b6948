from importlib import import_module

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    name = "kliento.privacy"
    label = "privacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The register's own sections come first in the export; then every app's
        # ``<app>/export_sections.py``, in the order of INSTALLED_APPS.
        import_module("kliento.privacy.export_sections")
        autodiscover_modules("export_sections")
