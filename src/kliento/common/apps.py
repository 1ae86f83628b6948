from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "kliento.common"
    label = "common"

    def ready(self) -> None:
        # Deploy checks of our own (static files collected).
        from kliento.common import checks  # noqa: F401
