"""The person's profile pages under /profile/."""

from django.urls import path

from kliento.register import views

app_name = "register"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("add/<slug:item_key>/", views.value_add, name="value_add"),
    path("values/<uuid:value_id>/edit/", views.value_edit, name="value_edit"),
    path("values/<uuid:value_id>/delete/", views.value_delete, name="value_delete"),
    path("values/<uuid:value_id>/primary/", views.value_make_primary, name="value_primary"),
]
