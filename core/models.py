"""Records the plumbing keeps for every app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailDelivery(models.Model):
    """That one e-mail went out, by its idempotency key.

    The message itself travels in its task (``core.mail.deliver_email``); this
    row makes a task that runs twice (a retry, a recovered worker) send it
    once. A worker claims the key before talking to the mail server and marks
    it sent after; a claim older than the lease is a worker that died.
    """

    key = models.CharField(_("key"), max_length=64, unique=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")
        indexes = [models.Index(fields=["sent_at"], name="email_delivery_sent")]

    def __str__(self) -> str:
        return self.key
