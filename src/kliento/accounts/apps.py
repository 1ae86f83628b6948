from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kliento.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from kliento.accounts import personal_data, security  # noqa: F401

        security.connect()
