from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "kliento.sharing"
    label = "sharing"

    def ready(self) -> None:
        # What this app declares about personal data: export sections, erasure,
        # retention (kliento.common.personal_data).
        from kliento.sharing import personal_data  # noqa: F401

        # The check-in screen shows the cashier what the holder shares with the merchant.
        from kliento.sharing.customer_reads import shared_profile
        from kliento.visits import holders

        holders.provide(
            lambda subject, merchant, actor: shared_profile(
                subject=subject, merchant=merchant, actor=actor, purpose="check-in"
            )
        )
