from django.apps import AppConfig


class DsrConfig(AppConfig):
    name = "kliento.dsr"
    label = "dsr"
