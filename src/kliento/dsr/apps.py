from django.apps import AppConfig


class DsrConfig(AppConfig):
    name = "kliento.dsr"
    label = "dsr"

    def ready(self) -> None:
        # What this app declares about personal data: export sections, erasure,
        # retention (kliento.common.personal_data).
        from kliento.dsr import personal_data  # noqa: F401
