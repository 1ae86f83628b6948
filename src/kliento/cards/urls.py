"""The person's card pages under /profile/cards/."""

from django.urls import path

from kliento.cards import views

app_name = "cards"

urlpatterns = [
    path("", views.card_list, name="list"),
    path("register/", views.card_register, name="register"),
    path("change/", views.card_change, name="change"),
    path("qr/", views.card_qr, name="qr"),
    path("qr/fresh/", views.card_qr_fresh, name="qr_fresh"),
    path("<uuid:card_id>/block/", views.card_block, name="block"),
]
