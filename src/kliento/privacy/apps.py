from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    name = "kliento.privacy"
    label = "privacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every app may declare its export sections in ``<app>/export_sections.py``.
        autodiscover_modules("export_sections")
