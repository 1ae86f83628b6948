from django.apps import AppConfig


class MerchantsConfig(AppConfig):
    name = "kliento.merchants"
    label = "merchants"
