from django.apps import AppConfig


class CardsConfig(AppConfig):
    name = "kliento.cards"
    label = "cards"

    def ready(self) -> None:
        # What this app declares about personal data: export sections, erasure,
        # retention (kliento.common.personal_data).
        from kliento.cards import personal_data  # noqa: F401
