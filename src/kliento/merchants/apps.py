from django.apps import AppConfig


class MerchantsConfig(AppConfig):
    name = "kliento.merchants"
    label = "merchants"

    def ready(self) -> None:
        # What this app declares about personal data: export sections, erasure,
        # retention (kliento.common.personal_data).
        from kliento.merchants import personal_data  # noqa: F401
