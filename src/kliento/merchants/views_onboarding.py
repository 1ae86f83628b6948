"""Public pages of merchant onboarding: the application (/merchants/apply/) and the
e-mailed verification link, where the applicant sets a password or uses their login."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.common.errors import DomainError, ErrorCode
from kliento.common.forms import add_domain_error
from kliento.merchants import onboarding
from kliento.merchants.forms_onboarding import ApplicationForm, SetPasswordForm
from kliento.merchants.models import MerchantApplication
from kliento.merchants.onboarding_mail import mail_verification

APPLICANT = "merchant-applicant"  # the system actor for a visitor without a login


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    if isinstance(user, User):
        return Actor.person(user, request)
    return Actor.system(APPLICANT)


def _page_language() -> str:
    language = (get_language() or "fi")[:2]
    return language if language in MerchantApplication.Language.values else "fi"


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """The application form; on success a verification link goes to the applicant."""
    if request.method == "POST":
        form = ApplicationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                application, token = onboarding.application_submit(
                    data=onboarding.ApplicationIn(**data), actor=_actor(request)
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                link = request.build_absolute_uri(reverse("merchant_apply:verify", args=[token]))
                mail_verification(application, link=link)
                return redirect("merchant_apply:sent")
    else:
        form = ApplicationForm(initial={"language": _page_language()})
    return render(request, "merchant/apply.html", {"form": form})


def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "merchant/apply_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: a signed-in person confirms with their login; anyone else sets a
    password for a new login with the applicant's address (or signs in first)."""
    application = onboarding.application_for_token(token=token)
    if application is None:
        return render(request, "merchant/apply_verify.html", {"application": None}, status=404)
    user = request.user if isinstance(request.user, User) else None
    form = SetPasswordForm(request.POST if request.method == "POST" and user is None else None)
    login_exists = False
    if request.method == "POST" and (user is not None or form.is_valid()):
        try:
            onboarding.application_verify(
                token=token,
                user=user,
                password=None if user is not None else form.cleaned_data["password1"],
                actor=_actor(request),
            )
        except DomainError as error:
            if error.code == ErrorCode.LOGIN_EXISTS:
                login_exists = True
            add_domain_error(form, error)
        else:
            return redirect("merchant_apply:verified")
    context = {
        "application": application,
        "form": form,
        "login_exists": login_exists,
        "login_url": reverse("account_login") + "?next=" + request.path,
    }
    return render(request, "merchant/apply_verify.html", context)


def verified(request: HttpRequest) -> HttpResponse:
    return render(request, "merchant/apply_verified.html")
