"""The person's survey pages, under /profile/surveys/."""

from django.urls import path

from kliento.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("<uuid:survey_id>/", views.survey_answer, name="answer"),
]
