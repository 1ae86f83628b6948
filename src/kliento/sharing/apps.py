from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "kliento.sharing"
    label = "sharing"

    def ready(self) -> None:
        # What this app declares about personal data: export sections, erasure,
        # retention (kliento.common.personal_data).
        from kliento.sharing import personal_data  # noqa: F401
