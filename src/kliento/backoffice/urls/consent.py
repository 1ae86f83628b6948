"""Back-office consent pages, under /staff/."""

from django.urls import path

from kliento.backoffice.views import consent as views

app_name = "staff_consent"

urlpatterns = [
    path("people/<uuid:subject_id>/consents/", views.person_consents, name="person"),
]
