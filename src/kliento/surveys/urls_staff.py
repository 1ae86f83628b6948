"""The marketing role's survey pages, under /staff/surveys/."""

from django.urls import path

from kliento.surveys import views_staff

app_name = "staff_surveys"

urlpatterns = [
    path("", views_staff.survey_list, name="list"),
    path("new/", views_staff.survey_new, name="new"),
    path("<uuid:survey_id>/", views_staff.survey_detail, name="detail"),
    path("<uuid:survey_id>/draw/", views_staff.survey_draw, name="draw"),
    path("<uuid:survey_id>/verify/", views_staff.survey_draw_verify, name="verify"),
]
