"""Production settings plus the benchmark's ceiling view; plain HTTP on loopback."""

import os

os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production-use")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
# The shared cache of production: Redis on loopback (rate limits, cached pages).
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/1")
# Each simulated person sends their own address, as nginx would (X-Real-IP).
os.environ.setdefault("CLIENT_IP_HEADER", "HTTP_X_REAL_IP")

from copp.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# Requests that say they came over HTTPS (X-Forwarded-Proto, as nginx sends it)
# get every header production sends, HSTS included.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {"version": 1, "disable_existing_loggers": False}

# The demo data (seed_demo, create_demo_accounts): never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405

# The scheduler benchmark shrinks every period (BENCH_DUTY_SCALE=0.1: a duty
# of every minute runs every 6 seconds) to see many periods in a short run.
_scale = float(os.environ.get("BENCH_DUTY_SCALE", "1"))
PERIODIC_DUTIES = [
    (name, task, every * _scale, offset * _scale)
    for name, task, every, offset in PERIODIC_DUTIES  # noqa: F405
]
