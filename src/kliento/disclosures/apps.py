from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "kliento.disclosures"
    label = "disclosures"

    def ready(self) -> None:
        # What this app declares about personal data: export sections, erasure,
        # retention (kliento.common.personal_data).
        from kliento.disclosures import personal_data  # noqa: F401

        # Corrections and erasures in the register reach the recipients who received
        # the data (GDPR art. 19), through this app's outbox.
        from kliento.disclosures.services import outbox_notify_correction, outbox_notify_erasure
        from kliento.register import changes

        changes.subscribe(
            changes.ChangeSubscriber(
                "disclosures",
                correction=lambda subject, items, actor: outbox_notify_correction(
                    subject=subject, items=items, actor=actor
                ),
                erasure=lambda subject, actor: outbox_notify_erasure(subject=subject, actor=actor),
            )
        )
