"""Production settings plus the benchmark's ceiling view; plain HTTP on loopback."""

import os

os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production-use")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from copp.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {"version": 1, "disable_existing_loggers": False}
