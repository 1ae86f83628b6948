from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """The register holder's staff pages under /staff/: the top layer, reading every app."""

    name = "kliento.backoffice"
    label = "backoffice"
