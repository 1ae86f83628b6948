from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "kliento.visits"
    label = "visits"

    def ready(self) -> None:
        from kliento.register import catalogue
        from kliento.visits import rules

        # A loyalty rule's parameters are the merchant's settings for a program, never
        # personal data: declared here, so that a new rule needs no line in the catalogue.
        catalogue.NOT_PERSONAL.setdefault("visits.LoyaltyProgram", set()).update(
            rules.param_names()
        )
