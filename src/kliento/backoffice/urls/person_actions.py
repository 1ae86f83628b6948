"""Customer service's actions from the person view, under /staff/people/<id>/."""

from django.urls import path

from kliento.backoffice.views import person_actions as views

app_name = "staff_person"

urlpatterns = [
    path(
        "people/<uuid:subject_id>/cards/<uuid:card_id>/block/",
        views.card_block,
        name="card_block",
    ),
    path(
        "people/<uuid:subject_id>/cards/<uuid:card_id>/unblock/",
        views.card_unblock,
        name="card_unblock",
    ),
    path("people/<uuid:subject_id>/change-code/", views.change_code_send, name="change_code"),
    path("people/<uuid:subject_id>/correct/", views.ledger_correct, name="correct"),
]
