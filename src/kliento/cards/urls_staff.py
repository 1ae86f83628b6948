"""Customer service's card pages under /staff/cards/."""

from django.urls import path

from kliento.cards import views_staff

app_name = "staff_cards"

urlpatterns = [path("block/", views_staff.card_block, name="block")]
