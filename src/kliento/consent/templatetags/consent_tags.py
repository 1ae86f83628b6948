"""``{% cookie_banner %}``: the banner until this browser has chosen, and the gating hook."""

from __future__ import annotations

from typing import Any

from django import template

from kliento.consent import cookies

register = template.Library()


@register.inclusion_tag("consent/cookie_banner.html", takes_context=True)
def cookie_banner(context: template.Context) -> dict[str, Any]:
    # Reads only the strictly necessary cookie: no database query on every page.
    request = context.get("request")
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "CSP_NONCE": context.get("CSP_NONCE"),
        "show_banner": request is not None and cookies.choice_of(request) is None,
    }
