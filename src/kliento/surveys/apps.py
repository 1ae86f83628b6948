from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "kliento.surveys"
    label = "surveys"
