"""Customer service's card pages under /staff/cards/."""

from django.urls import path

from kliento.backoffice.views import cards as views

app_name = "staff_cards"

urlpatterns = [path("block/", views.card_block, name="block")]
