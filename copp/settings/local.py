"""Development: debug on, e-mail to the console."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# The demo data (seed_demo, create_demo_accounts): never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405
