from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "kliento.consent"
    label = "consent"

    def ready(self) -> None:
        # What this app declares about personal data: export sections, erasure,
        # retention (kliento.common.personal_data).
        from kliento.consent import personal_data  # noqa: F401
