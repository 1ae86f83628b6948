from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "kliento.register"
    label = "register"
