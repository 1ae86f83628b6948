"""Showing a service's refusal on a page form.

Common is the lowest layer: this module imports only Django and ``kliento.common``.
"""

from __future__ import annotations

from django import forms

from kliento.common.errors import DomainError


def add_domain_error(form: forms.BaseForm, error: DomainError, field: str | None = None) -> None:
    """Show ``error.message`` on ``form``: next to the field ``error.details["field"]``
    names when the form has that field, else next to ``field`` (the view's own guess, for
    services that name none) or the form's own ``domain_error_field`` when the form has
    it, else as a non-field error. The one way every page shows a service's refusal."""
    own = getattr(form, "domain_error_field", None)
    for name in (error.details.get("field"), field, own):
        if isinstance(name, str) and name in form.fields:
            form.add_error(name, str(error.message))
            return
    form.add_error(None, str(error.message))
