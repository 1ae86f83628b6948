from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "kliento.visits"
    label = "visits"
