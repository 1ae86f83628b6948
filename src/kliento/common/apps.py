from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "kliento.common"
    label = "common"
