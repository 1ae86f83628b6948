"""Back-office pages of the register, under /staff/."""

from django.urls import path

from kliento.backoffice.views import people as views

app_name = "staff"

urlpatterns = [
    path("people/", views.person_search, name="person_search"),
    path("people/<uuid:subject_id>/", views.person_open, name="person_open"),
    path("audit/", views.audit_log, name="audit_log"),
]
