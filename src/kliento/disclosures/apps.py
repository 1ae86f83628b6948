from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "kliento.disclosures"
    label = "disclosures"

    def ready(self) -> None:
        # What this app declares about personal data: export sections, erasure,
        # retention (kliento.common.personal_data).
        from kliento.disclosures import personal_data  # noqa: F401
