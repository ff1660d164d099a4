"""The portal's URLs plus a minimal view that answers a page of a given size."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from copp.urls import handler404, handler500
from copp.urls import urlpatterns as portal_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def ceiling(request: HttpRequest, size: int) -> HttpResponse:
    """As little work as Django can do for a page of ``size`` bytes."""
    return HttpResponse(b"x" * size, content_type="text/html; charset=utf-8")


urlpatterns = [path("__bench__/ceiling/<int:size>/", ceiling), *portal_urlpatterns]
