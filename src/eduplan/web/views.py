"""Public home page. The officers' app (``/office/``) and the portal are built on top of this."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {})
