"""Who is asking, and how often: the client's address and the rate limits of
the public forms (django-ratelimit, counted in the shared cache)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit


def client_ip(request: HttpRequest) -> str:
    """The client's address: the header the proxy sets (``CLIENT_IP_HEADER``,
    e.g. X-Real-IP from nginx), or the socket's address without a proxy."""
    value = request.META.get(settings.CLIENT_IP_HEADER) or request.META.get(
        "REMOTE_ADDR", ""
    )
    return value.split(",")[0].strip()


def client_ip_key(group: str, request: HttpRequest) -> str:
    """The rate limits' key: the client's address."""
    return client_ip(request)


def rate_of(group: str, request: HttpRequest) -> str:
    """The rate limit of ``group``, from the settings (RATE_LIMITS)."""
    return settings.RATE_LIMITS[group]


def limit_posts(
    group: str, key: Callable[[str, HttpRequest], str] = client_ip_key
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """At most ``RATE_LIMITS[group]`` POSTs per key; beyond that the 429 page,
    which tells how long the wait really is (``seconds_until_allowed``)."""
    limit = ratelimit(group=group, key=key, rate=rate_of, method="POST", block=True)

    def decorator(view):
        limited = limit(view)

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            request.rate_limit = (group, key)  # type: ignore[attr-defined]
            return limited(request, *args, **kwargs)

        return wrapper

    return decorator


def seconds_until_allowed(request: HttpRequest) -> int | None:
    """How long a client over a limit waits until its window ends, or None
    when the request was not limited by ``limit_posts``."""
    group, key = getattr(request, "rate_limit", (None, None))
    if group is None:
        return None
    usage = get_usage(
        request, group=group, key=key, rate=rate_of, method="POST", increment=False
    )
    if not usage:
        return None
    return max(int(usage["time_left"]), 1)


def private_page(response: HttpResponse) -> HttpResponse:
    """Mark a page reached by a secret link: never cached, indexed or leaked
    in a Referer."""
    response["Cache-Control"] = "no-store, private"
    # same-origin: the secret link never leaves in a Referer to another site,
    # while our own forms keep their Origin for the CSRF check.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
