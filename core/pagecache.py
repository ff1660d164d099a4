"""Public pages kept a few seconds in the shared cache, for every visitor who
would see the same page.

Django's ``cache_page`` keys a page that varies on cookies on the whole Cookie
header, so each visitor with a cookie of their own (the CSRF cookie after
opening any form) misses the cache. Here a page's key holds only what changes
the page: the scheme, the host and the full path (the language is in the
path) and the page's variant, which settings.PUBLIC_PAGE_VARIANT computes from
the request (the version for the visually impaired). A request that carries a
session or messages (a signed-in member of staff, a message waiting to be
shown) is neither served from the cache nor stored in it, and neither is an
answer that sets a cookie or is not a plain 200.

The middleware stands first in MIDDLEWARE: a hit skips the rest of the stack,
and an answer is stored as the whole stack made it, every security header
included. A cached answer says how old it is (``Age``). Each process also
keeps the pages it served last (PUBLIC_PAGE_LOCAL_ENTRIES of them), each only
until the moment its shared copy expires, so that a popular page costs no
round trip to Redis and is never older than CATALOG_CACHE_SECONDS; and the
addresses whose pages are not shared (an application form), so that those
cost no round trip either. Without
the shared cache (Redis down) pages are made by the whole stack, each kept a
few seconds by its process, and nothing is lost.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_response_headers, patch_vary_headers
from django.utils.module_loading import import_string

# The attribute by which a view's answer asks to be cached, in seconds.
ATTRIBUTE = "public_cache_seconds"
KEY_PREFIX = "public-page:"
# How many addresses of pages that are not shared each process remembers.
NOT_SHARED_PATHS = 2000


def public_page(view: Callable) -> Callable:
    """Mark the answers of ``view`` as shared by every visitor with the same
    key, for CATALOG_CACHE_SECONDS. The page varies on cookies (the version
    for the visually impaired), and says so to browsers (``Vary: Cookie``)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        patch_vary_headers(response, ("Cookie",))
        seconds = settings.CATALOG_CACHE_SECONDS
        if seconds > 0 and request.method == "GET" and response.status_code == 200:
            patch_response_headers(response, seconds)
        else:
            seconds = 0
        setattr(response, ATTRIBUTE, seconds)
        return response

    return wrapper


def no_variant(request: HttpRequest) -> str:
    """Every request sees the same page (no PUBLIC_PAGE_VARIANT set)."""
    return ""


# A stored page: when it was made, until when it may be served, the status,
# the headers and the body.
Stored = tuple[float, float, int, list[tuple[str, str]], bytes]


class LocalPages:
    """The pages one process served last, each until its own expiry."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.pages: OrderedDict[str, Stored] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Stored | None:
        stored = self.pages.get(key)
        if stored is None:
            return None
        if stored[1] <= time.time():
            with self.lock:
                self.pages.pop(key, None)
            return None
        return stored

    def put(self, key: str, stored: Stored) -> None:
        if self.size <= 0:
            return
        with self.lock:
            self.pages[key] = stored
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


class PublicPageCacheMiddleware:
    """Serve and store the pages ``public_page`` marks; see the module."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response
        self.cache = caches[getattr(settings, "PUBLIC_PAGE_CACHE", "default")]
        variant = getattr(settings, "PUBLIC_PAGE_VARIANT", None)
        self.variant = import_string(variant) if variant else no_variant
        self.private_cookies = (
            settings.SESSION_COOKIE_NAME,
            getattr(settings, "MESSAGE_COOKIE_NAME", "messages"),
        )
        self.local = LocalPages(getattr(settings, "PUBLIC_PAGE_LOCAL_ENTRIES", 200))
        # Addresses whose view made a page that is not a shared one (a form, a
        # person's status page): not looked up again by this process.
        self.not_shared: OrderedDict[str, None] = OrderedDict()
        self.skipped_prefixes = tuple(
            prefix
            for prefix in (settings.STATIC_URL, settings.MEDIA_URL)
            if prefix and prefix.startswith("/")
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = self.key(request)
        if key is None or request.path in self.not_shared:
            return self.get_response(request)
        stored = self.local.get(key)
        if stored is None:
            stored = self.cache.get(key)
            if stored is not None and stored[1] > time.time():
                self.local.put(key, stored)
            else:
                stored = None
        if stored is not None:
            return self.answer(stored)
        response = self.get_response(request)
        seconds = getattr(response, ATTRIBUTE, None)
        if seconds is None:
            if response.status_code == 200:
                self.remember_not_shared(request.path)
            return response
        if seconds and request.method == "GET" and self.may_store(response):
            now = time.time()
            stored = (
                now,
                now + seconds,
                response.status_code,
                list(response.items()),
                response.content,
            )
            self.local.put(key, stored)
            self.cache.set(key, stored, seconds)
        return response

    def remember_not_shared(self, path: str) -> None:
        with self.local.lock:
            self.not_shared[path] = None
            while len(self.not_shared) > NOT_SHARED_PATHS:
                self.not_shared.popitem(last=False)

    def key(self, request: HttpRequest) -> str | None:
        """The page's key, or None when the request is not for a shared page."""
        if request.method not in ("GET", "HEAD"):
            return None
        if self.skipped_prefixes and request.path.startswith(self.skipped_prefixes):
            return None
        cookies = request.COOKIES
        if any(name in cookies for name in self.private_cookies):
            return None
        # The Host header is taken as sent: an answer is stored only after the
        # whole stack accepted the host (CommonMiddleware checks ALLOWED_HOSTS),
        # so a host it refuses never finds anything.
        address = "{}://{}{}\n{}".format(
            "https" if request.is_secure() else "http",
            request.META.get("HTTP_HOST", ""),
            request.get_full_path(),
            self.variant(request),
        )
        return KEY_PREFIX + hashlib.sha256(address.encode()).hexdigest()

    @staticmethod
    def may_store(response: HttpResponse) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        cache_control = response.get("Cache-Control", "")
        return "private" not in cache_control and "no-store" not in cache_control

    @staticmethod
    def answer(stored: Stored) -> HttpResponse:
        stored_at, _expires, status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response.headers[name] = value
        response.headers["Age"] = str(max(0, int(time.time() - stored_at)))
        return response
