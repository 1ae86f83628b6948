from django.contrib import admin
from django.urls import include, path, re_path

from kliento.accounts import views_tokens
from kliento.backoffice.views.home import staff_home
from kliento.common import http
from kliento.config.api import api
from kliento.config.views import home
from kliento.consent import urls as consent_urls
from kliento.marketing import urls as marketing_urls

handler400 = http.handler400
handler403 = http.handler403
handler404 = http.handler404
handler500 = http.handler500

urlpatterns = [
    path("", home, name="home"),
    path("healthz", http.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("kliento.accounts.urls")),
    path("account/tokens/", views_tokens.token_page, name="account_tokens"),
    path(
        "account/tokens/<uuid:token_id>/revoke/",
        views_tokens.token_revoke,
        name="account_token_revoke",
    ),
    path("profile/", include("kliento.register.urls")),
    path("profile/", include("kliento.consent.urls")),
    path("profile/", include("kliento.privacy.urls")),
    path("", include(consent_urls.root_urlpatterns)),
    path("staff/", include("kliento.backoffice.urls.consent")),
    path("profile/cards/", include("kliento.cards.urls")),
    path("profile/visits/", include("kliento.visits.urls_person")),
    path("staff/cards/", include("kliento.backoffice.urls.cards")),
    path("staff/cards/", include("kliento.backoffice.urls.card_stock")),
    path("profile/surveys/", include("kliento.surveys.urls")),
    path("staff/surveys/", include("kliento.backoffice.urls.surveys")),
    path("", include("kliento.sharing.urls")),
    path("profile/", include("kliento.marketing.urls")),
    path("", include(marketing_urls.root_urlpatterns)),
    path("staff/campaigns/", include("kliento.backoffice.urls.campaigns")),
    path("api/v1/", api.urls),
    re_path(r"^api/", http.handler404),
    path("admin/", admin.site.urls),
    path("staff/", staff_home, name="staff_home"),
    path("staff/requests/", include("kliento.backoffice.urls.requests")),
    path("", include("kliento.dsr.urls")),
    path("staff/", include("kliento.backoffice.urls.people")),
    path("staff/", include("kliento.backoffice.urls.person_actions")),
    path("merchant/", include("kliento.config.urls_merchant")),
    path("privacy/", include("kliento.disclosures.urls")),
    path("staff/", include("kliento.backoffice.urls.disclosures")),
    path("merchants/", include("kliento.merchants.urls_onboarding")),
    path("staff/merchants/", include("kliento.backoffice.urls.merchants")),
    path("staff/team/", include("kliento.backoffice.urls.team")),
    path("staff/setup/", include("kliento.backoffice.urls.setup")),
]
