"""The person's pages reached through a signed link in their mailbox: confirm a request,
answer a fee. Opening a link (GET) only shows; the person's button press (POST) acts,
so a mail scanner that follows links cannot confirm anything."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from kliento.common.errors import DomainError
from kliento.dsr import services
from kliento.dsr.forms import FeeAnswerForm


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    try:
        dsr = services.request_for_link(token=token)
        if request.method == "POST":
            dsr = services.request_verify(token=token)
    except DomainError as error:
        return render(request, "dsr/link_error.html", {"error": error.message}, status=error.status)
    return render(request, "dsr/verify.html", {"dsr": dsr, "token": token})


@require_http_methods(["GET", "POST"])
def fee(request: HttpRequest, token: str) -> HttpResponse:
    form = FeeAnswerForm(request.POST or None)
    try:
        found = services.fee_for_link(token=token)
        if request.method == "POST" and form.is_valid():
            found = services.fee_answer(token=token, accept=form.cleaned_data["answer"] == "accept")
    except DomainError as error:
        return render(request, "dsr/link_error.html", {"error": error.message}, status=error.status)
    status = 422 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "dsr/fee.html",
        {"fee": found, "dsr": found.request, "token": token, "form": form},
        status=status,
    )
