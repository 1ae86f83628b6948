"""The person's visits page under /profile/visits/."""

from django.urls import path

from kliento.visits import views_person

app_name = "my_visits"

urlpatterns = [path("", views_person.visit_list, name="list")]
