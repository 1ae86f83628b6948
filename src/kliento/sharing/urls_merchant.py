"""The merchant's customer view, included by config/urls_merchant.py under
<merchant id>/customers/."""

from django.urls import path

from kliento.sharing import views_merchant

urlpatterns = [
    path("", views_merchant.customers, name="customers"),
    path("export.csv", views_merchant.customers_export, name="customers_export"),
    path("<uuid:customer_id>/", views_merchant.customer_detail, name="customer"),
]
