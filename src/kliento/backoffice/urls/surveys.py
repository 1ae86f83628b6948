"""The marketing role's survey pages, under /staff/surveys/."""

from django.urls import path

from kliento.backoffice.views import surveys as views

app_name = "staff_surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_new, name="new"),
    path("<uuid:survey_id>/", views.survey_detail, name="detail"),
    path("<uuid:survey_id>/draw/", views.survey_draw, name="draw"),
    path("<uuid:survey_id>/verify/", views.survey_draw_verify, name="verify"),
]
