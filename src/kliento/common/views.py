from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """The consumer portal's front page."""
    return render(request, "common/home.html")
