"""Consent pages, beside the profile under /profile/.

The JWKS and the cookie choice live at the site root (see ``root_urlpatterns``).
"""

from django.urls import path

from kliento.consent import views

app_name = "consent"

urlpatterns = [
    path("health/", views.health_consent, name="health"),
    path("consents/", views.consent_list, name="list"),
    path("consents/<slug:purpose_key>/", views.consent_change, name="change"),
    path("consents/receipts/<uuid:receipt_id>/", views.receipt_page, name="receipt"),
    path("consents/receipts/<uuid:receipt_id>/jws", views.receipt_jws, name="receipt_jws"),
]

root_urlpatterns = [
    path(".well-known/jwks.json", views.jwks, name="consent_jwks"),
    path("cookies/choice/", views.cookie_choice, name="consent_cookie_choice"),
]
