from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "kliento.consent"
    label = "consent"

    def ready(self) -> None:
        # What this app declares about personal data: export sections, erasure,
        # retention (kliento.common.personal_data).
        from kliento.consent import personal_data  # noqa: F401

        # The register asks for the health-data consent before storing allergies.
        from kliento.consent.selectors import has_consent
        from kliento.register import consents

        consents.provide(lambda subject, purpose: has_consent(subject=subject, purpose=purpose))
