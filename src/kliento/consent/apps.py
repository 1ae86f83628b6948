from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "kliento.consent"
    label = "consent"
