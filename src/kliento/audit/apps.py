from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kliento.audit"
    label = "audit"

    def ready(self) -> None:
        # What this app declares about personal data: export sections, erasure,
        # retention (kliento.common.personal_data).
        from kliento.audit import personal_data  # noqa: F401
