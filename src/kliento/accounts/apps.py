from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kliento.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from kliento.accounts import security

        security.connect()
