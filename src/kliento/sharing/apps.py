from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "kliento.sharing"
    label = "sharing"
