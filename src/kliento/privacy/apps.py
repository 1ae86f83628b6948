from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "kliento.privacy"
    label = "privacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every app registers its own sections and record kinds from its own ready()
        # (kliento.common.personal_data); the check that their catalogue keys exist runs
        # once all apps are ready.
        from kliento.privacy import checks  # noqa: F401
