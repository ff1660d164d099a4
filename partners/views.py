"""Public pages of partners."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from core.pagecache import public_page

from . import selectors
from .models import Partner


@public_page  # shared by visitors who see the same page (core.pagecache)
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
