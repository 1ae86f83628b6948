"""The merchant's integrations page (/merchant/<merchant id>/integrations/), owners and
managers only: create an integration (its token shown once), see last use, revoke."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kliento.common.errors import DomainError
from kliento.common.forms import add_domain_error
from kliento.merchants.models import Membership
from kliento.merchants.views import member_actor, member_view, page, to
from kliento.sharing import integrations


class IntegrationForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=80,
        help_text=gettext_lazy("What reads your data, for example: Customer register or Reports."),
    )


@never_cache
@member_view(manager=True)
def integration_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    created = None
    form = IntegrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = integrations.integration_create(
                membership=membership,
                name=form.cleaned_data["name"],
                actor=member_actor(request, membership),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            form = IntegrationForm()
    context = {
        "integrations": integrations.integrations_for(membership=membership),
        "form": form,
        "created": created,
    }
    return page(
        request, membership, "sharing/merchant_integrations.html", context, section="terminals"
    )


@require_POST
@member_view(manager=True)
def integration_revoke(
    request: HttpRequest, membership: Membership, integration_id: UUID
) -> HttpResponse:
    integration = integrations.integration_of(membership=membership, integration_id=integration_id)
    if integration.revoked_at is None:
        integrations.integration_revoke(
            membership=membership, integration=integration, actor=member_actor(request, membership)
        )
        messages.success(request, _("Revoked: %(name)s.") % {"name": integration.name})
    return redirect(to("integrations", membership))
