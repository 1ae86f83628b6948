from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "kliento.register"
    label = "register"

    def ready(self) -> None:
        # What this app declares about personal data: export sections, erasure,
        # retention (kliento.common.personal_data).
        from kliento.register import personal_data  # noqa: F401
