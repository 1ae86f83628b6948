from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kliento.audit"
    label = "audit"
