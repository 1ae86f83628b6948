from django.apps import AppConfig


class CardsConfig(AppConfig):
    name = "kliento.cards"
    label = "cards"
