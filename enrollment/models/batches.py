"""What the applicant gives for their contract, and the contracts of a whole
group prepared in the background."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CustomerDetails(models.Model):
    """The customer's details for the contract (address, identity document;
    for a minor, the representative's), as the applicant gave them on their
    page. Staff find them filled in when preparing the contract; a group's
    contracts are prepared from them. Removed when the person is anonymised."""

    application = models.OneToOneField(
        "enrollment.Application",
        on_delete=models.CASCADE,
        related_name="customer_details",
        verbose_name=_("application"),
    )
    party = models.JSONField(_("details"), editable=False)
    given_at = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        verbose_name = _("customer's details")
        verbose_name_plural = _("customers' details")

    def __str__(self) -> str:
        return str(self.application)


class ContractBatch(models.Model):
    """The contracts of a group prepared (and sent) by a task: who asked,
    how far it went, and what came of each person."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    cohort = models.ForeignKey(
        "programs.Cohort",
        on_delete=models.PROTECT,
        related_name="contract_batches",
        verbose_name=_("group"),
    )
    send = models.BooleanField(_("send to the applicants"), default=False)
    state = models.CharField(
        _("state"), max_length=16, choices=State, default=State.QUEUED
    )
    total = models.PositiveIntegerField(_("needing a contract"), default=0)
    prepared = models.PositiveIntegerField(_("contracts prepared"), default=0)
    # One row per person: {"application": id, "name": …, "ok": bool, "text": …}.
    report = models.JSONField(_("report"), default=list, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("contracts of a group")
        verbose_name_plural = _("contracts of groups")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort"],
                condition=Q(state__in=["queued", "running"]),
                name="one_running_contract_batch_per_group",
            )
        ]

    def __str__(self) -> str:
        return str(_("Contracts of group %(code)s") % {"code": self.cohort.code})

    @property
    def is_running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
