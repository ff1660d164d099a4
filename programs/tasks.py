"""Background work of the catalog: the periodic duty that tells subscribers
a group has opened (settings.PERIODIC_DUTIES schedules it)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from . import services


@task()
def send_program_notices() -> dict[str, int]:
    """E-mail the subscribers of each group now open that they have not heard
    of, and forget addresses nobody confirmed in time (hourly). Idempotent:
    each subscriber hears of each group once however often it runs."""
    return {
        "notices": services.send_program_notices(today=timezone.localdate()),
        "forgotten": services.forget_unconfirmed_subscriptions(),
    }
