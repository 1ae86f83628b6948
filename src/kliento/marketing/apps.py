from django.apps import AppConfig


class MarketingConfig(AppConfig):
    name = "kliento.marketing"
    label = "marketing"

    def ready(self) -> None:
        # What this app declares about personal data: export sections, erasure,
        # retention (kliento.common.personal_data).
        from kliento.marketing import personal_data  # noqa: F401
