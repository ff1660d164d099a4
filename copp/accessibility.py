"""The version for the visually impaired (ГОСТ Р 52872-2019): larger type in two
steps, three high-contrast colour schemes and images off.

The choice lives in a cookie and is applied on the server (classes on <html>),
so it works without JavaScript and shows from the first paint. Public pages in
the shared cache are kept apart by the choice (``page_variant``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

COOKIE = "copp_a11y"
COOKIE_AGE = 365 * 24 * 60 * 60
SIZES = (1, 2, 3)  # regular, larger, largest
SCHEMES = ("bw", "wb", "blue")  # black on white, white on black, dark blue on blue


@dataclass(frozen=True)
class Version:
    """What the visitor chose; ``enabled`` False is the regular site."""

    enabled: bool = False
    size: int = 1
    scheme: str = "bw"
    images: bool = True

    @classmethod
    def from_cookie(cls, value: str | None) -> Version:
        if not value:
            return cls()
        data = dict(parse_qsl(value))
        return cls(enabled=True).changed(data)

    def changed(self, data) -> Version:
        """This version with the settings in ``data`` applied; junk is ignored."""
        version = self
        size = data.get("size")
        if size in {str(n) for n in SIZES}:
            version = replace(version, size=int(size))
        if data.get("scheme") in SCHEMES:
            version = replace(version, scheme=data["scheme"])
        if data.get("images") in ("on", "off"):
            version = replace(version, images=data["images"] == "on")
        return version

    def cookie_value(self) -> str:
        return urlencode(
            {
                "size": self.size,
                "scheme": self.scheme,
                "images": "on" if self.images else "off",
            }
        )

    @property
    def html_classes(self) -> str:
        if not self.enabled:
            return ""
        classes = ["a11y", f"a11y-size-{self.size}", f"a11y-scheme-{self.scheme}"]
        if not self.images:
            classes.append("a11y-no-images")
        return " ".join(classes)


def version_of(request: HttpRequest) -> Version:
    return Version.from_cookie(request.COOKIES.get(COOKIE))


def page_variant(request: HttpRequest) -> str:
    """What of the cookie changes a page: the settings, normalised, so that
    junk in the cookie cannot split the cache of public pages."""
    version = version_of(request)
    return version.cookie_value() if version.enabled else ""


def safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@never_cache
@require_GET
def choose(request: HttpRequest) -> HttpResponse:
    """Switch the version on or off, or change one of its settings, and go back.

    ``?version=special`` or ``?version=regular``; ``size``, ``scheme`` and
    ``images`` change the special version (and switch it on)."""
    response = HttpResponseRedirect(safe_next(request))
    if request.GET.get("version") == "regular":
        response.delete_cookie(COOKIE, samesite="Lax")
        return response
    version = replace(version_of(request), enabled=True).changed(request.GET)
    response.set_cookie(
        COOKIE,
        version.cookie_value(),
        max_age=COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response


def context(request: HttpRequest) -> dict:
    """``a11y``: the visitor's version, for the panel and the classes on <html>."""
    return {"a11y": version_of(request), "a11y_sizes": SIZES, "a11y_schemes": SCHEMES}
