from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "kliento.disclosures"
    label = "disclosures"
