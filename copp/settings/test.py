"""Tests: fast hashing, mail kept in memory, no cache between requests."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
CATALOG_CACHE_SECONDS = 0

import atexit  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

# Each test run writes its files (uploads, logos, exports) to its own folder,
# removed when the run ends: the working tree and /tmp stay as they were.
VAR_DIR = Path(tempfile.mkdtemp(prefix="copp-test-"))  # noqa: F405
atexit.register(shutil.rmtree, VAR_DIR, ignore_errors=True)
MEDIA_ROOT = VAR_DIR / "media"
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
STORAGES["private"]["OPTIONS"] = {"location": PRIVATE_MEDIA_ROOT}  # noqa: F405

# Every test posts from 127.0.0.1: limits are lifted, except in the tests of them.
RATE_LIMITS = dict.fromkeys(RATE_LIMITS, "100000/m")  # noqa: F405

# The demo data (seed_demo, create_demo_accounts): never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405
