from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "kliento.visits"
    label = "visits"

    def ready(self) -> None:
        # What this app declares about personal data: export sections, erasure,
        # retention (kliento.common.personal_data).
        from kliento.visits import personal_data  # noqa: F401
