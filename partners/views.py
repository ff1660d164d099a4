"""Public pages of partners."""

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_page

from . import selectors
from .models import Partner


@cache_page(settings.CATALOG_CACHE_SECONDS)
def partner_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "partners/partner_list.html", {"partners": selectors.public_partners()}
    )


def logo(request: HttpRequest, pk: int) -> FileResponse:
    """A public partner's logo, served by the portal itself."""
    partner = get_object_or_404(Partner, pk=pk, is_public=True)
    if not partner.logo:
        raise Http404
    response = FileResponse(partner.logo.open("rb"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400"
    return response
