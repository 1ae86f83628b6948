from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "kliento.consent"
    label = "consent"

    def ready(self) -> None:
        # The register asks for the health-data consent before storing allergies.
        from kliento.consent.selectors import has_consent
        from kliento.register import consents

        consents.provide(lambda subject, purpose: has_consent(subject=subject, purpose=purpose))
