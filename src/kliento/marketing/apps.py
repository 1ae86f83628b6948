from django.apps import AppConfig


class MarketingConfig(AppConfig):
    name = "kliento.marketing"
    label = "marketing"
