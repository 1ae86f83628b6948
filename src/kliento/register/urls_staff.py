"""Back-office pages of the register, under /staff/."""

from django.urls import path

from kliento.register import views_staff

app_name = "staff"

urlpatterns = [
    path("people/", views_staff.person_search, name="person_search"),
    path("people/<uuid:subject_id>/", views_staff.person_open, name="person_open"),
    path("audit/", views_staff.audit_log, name="audit_log"),
]
