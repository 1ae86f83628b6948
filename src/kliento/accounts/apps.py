from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kliento.accounts"
    label = "accounts"
    verbose_name = "Accounts"
