from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "kliento.surveys"
    label = "surveys"

    def ready(self) -> None:
        # What this app declares about personal data: export sections, erasure,
        # retention (kliento.common.personal_data).
        from kliento.surveys import personal_data  # noqa: F401
