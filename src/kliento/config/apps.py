from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The composition root: settings, URLs, the API and the commands that need them all."""

    name = "kliento.config"
    label = "config"
