from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "kliento.disclosures"
    label = "disclosures"

    def ready(self) -> None:
        # personal_data: what this app declares about personal data (export sections,
        # erasure, retention; kliento.common.personal_data).
        from kliento.cards import events as card_events
        from kliento.disclosures import personal_data  # noqa: F401
        from kliento.disclosures.services import (
            disclosures_for_card_taken_into_use,
            outbox_notify_correction,
            outbox_notify_erasure,
        )
        from kliento.register import changes

        # Corrections and erasures in the register reach the recipients who received
        # the data (GDPR art. 19), through this app's outbox.
        changes.subscribe(
            changes.ChangeSubscriber(
                "disclosures",
                correction=lambda subject, items, actor: outbox_notify_correction(
                    subject=subject, items=items, actor=actor
                ),
                erasure=lambda subject, actor: outbox_notify_erasure(subject=subject, actor=actor),
            )
        )
        # A card taken into use is disclosed to its issuer's registered recipient
        # (privacy policy section 7); cards cannot import this app, so it calls us.
        card_events.subscribe(
            card_events.CardSubscriber(
                "disclosures",
                card_registered=lambda card, subject, actor: disclosures_for_card_taken_into_use(
                    card=card, subject=subject, actor=actor
                ),
            )
        )
