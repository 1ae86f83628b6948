from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "kliento.visits"
    label = "visits"

    def ready(self) -> None:
        # What this app declares about personal data: export sections, erasure,
        # retention (kliento.common.personal_data).
        from kliento.register import catalogue
        from kliento.visits import (
            personal_data,  # noqa: F401
            rules,
        )

        # A loyalty rule's parameters are the merchant's settings for a program, never
        # personal data: declared here, so that a new rule needs no line in the catalogue.
        catalogue.NOT_PERSONAL.setdefault("visits.LoyaltyProgram", set()).update(
            rules.param_names()
        )
