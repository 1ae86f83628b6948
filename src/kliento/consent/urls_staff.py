"""Back-office consent pages, under /staff/."""

from django.urls import path

from kliento.consent import views_staff

app_name = "staff_consent"

urlpatterns = [
    path("people/<uuid:subject_id>/consents/", views_staff.person_consents, name="person"),
]
