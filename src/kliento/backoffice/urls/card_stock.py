"""Card stock pages under /staff/cards/: batches for printing, and card issuers."""

from django.urls import path

from kliento.backoffice.views import card_stock as views

app_name = "staff_card_stock"

urlpatterns = [
    path("batches/", views.batch_list, name="batches"),
    path("batches/new/", views.batch_issue, name="batch_issue"),
    path("batches/<uuid:batch_id>/", views.batch_detail, name="batch"),
    path("batches/<uuid:batch_id>/cards.csv", views.batch_csv, name="batch_csv"),
    path("batches/<uuid:batch_id>/sheet.svg", views.batch_sheet, name="batch_sheet"),
    path("batches/<uuid:batch_id>/activate/", views.batch_activate, name="batch_activate"),
    path("batches/<uuid:batch_id>/void/", views.batch_void, name="batch_void"),
    path("issuers/", views.issuer_list, name="issuers"),
    path("issuers/new/", views.issuer_create, name="issuer_create"),
    path("issuers/<uuid:issuer_id>/", views.issuer_edit, name="issuer_edit"),
]
