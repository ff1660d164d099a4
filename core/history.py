"""The change history (django-simple-history) as the services write it."""

from __future__ import annotations

from typing import Any

from django.db import models

# The history table's column for the reason.
REASON_LENGTH = 100


def audit_as(instance: models.Model, user: Any, reason: str = "") -> None:
    """Make the history row of ``instance``'s next save name ``user`` and
    ``reason``, whoever calls the service (a view, a command, a task)."""
    instance._history_user = user  # type: ignore[attr-defined]
    instance._change_reason = reason.strip()[:REASON_LENGTH]  # type: ignore[attr-defined]
