"""Back-office pages of disclosures, under /staff/."""

from django.urls import path

from kliento.backoffice.views import disclosures as views

app_name = "staff_disclosures"

urlpatterns = [
    path("recipients/", views.recipients, name="recipients"),
    path("recipients/<uuid:recipient_id>/rotate/", views.recipient_rotate, name="rotate"),
    path("ropa/", views.ropa, name="ropa"),
    path("people/<uuid:subject_id>/disclosures/", views.person_disclosures, name="person"),
    path(
        "people/<uuid:subject_id>/disclosures/record/",
        views.person_disclosure_record,
        name="record",
    ),
]
