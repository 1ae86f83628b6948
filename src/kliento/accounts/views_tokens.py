"""The person's personal access tokens page: create (shown once), list, revoke."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kliento.accounts import selectors, tokens
from kliento.accounts.models import ApiToken, User
from kliento.audit.actors import Actor
from kliento.common.errors import DomainError
from kliento.common.forms import add_domain_error

EXPIRY_CHOICES = [
    ("30", gettext_lazy("30 days")),
    ("90", gettext_lazy("90 days")),
    ("365", gettext_lazy("One year")),
    ("", gettext_lazy("Never")),
]


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("Say where you use it, for example “My phone app”."),
    )
    expires_in_days = forms.ChoiceField(
        label=gettext_lazy("Expires"), choices=EXPIRY_CHOICES, initial="90", required=False
    )


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # behind login_required, so only a misconfiguration
        raise PermissionDenied
    return user


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_page(request: HttpRequest) -> HttpResponse:
    """List the person's tokens; on POST create one and show its secret this once."""
    user = _user(request)
    created: tuple[ApiToken, str] | None = None
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["expires_in_days"]
        try:
            created = tokens.token_create(
                kind=ApiToken.Kind.PERSONAL,
                name=form.cleaned_data["name"],
                user=user,
                actor=Actor.person(user, request),
                expires_at=timezone.now() + timedelta(days=int(days)) if days else None,
            )
        except DomainError as exc:
            add_domain_error(form, exc, "name")
        else:
            form = TokenCreateForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "created_token": created[0] if created else None,
            "created_secret": created[1] if created else None,
            "tokens": selectors.personal_tokens_of(user=user),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: UUID) -> HttpResponse:
    """Revoke one of the person's own tokens; another person's token is a 404."""
    user = _user(request)
    token = get_object_or_404(selectors.personal_tokens_of(user=user), public_id=token_id)
    tokens.token_revoke(token=token, actor=Actor.person(user, request))
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("account_tokens")
