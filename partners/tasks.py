"""Periodic duties of partner relations."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def notify_expiring_agreements() -> int:
    """E-mail the digest of agreements expiring within 30, 60 and 90 days (daily)."""
    return services.notify_expiring_agreements()
