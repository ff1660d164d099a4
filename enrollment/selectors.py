"""Reads of applications: the applicant's page, seats, figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from programs.models import Cohort

from .models import (
    Application,
    ApplicationStatus,
    Document,
    DocumentKind,
    seat_holding_q,
)
from .services import required_document_kinds

S = ApplicationStatus


def seats_taken_expression(now: datetime.datetime) -> Coalesce:
    """A cohort annotation: seats held at ``now``, counted from live rows."""
    held = (
        Application.objects.filter(cohort=OuterRef("pk"))
        .filter(seat_holding_q(now))
        .order_by()
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(held, output_field=IntegerField()), 0)


def application_by_token(token: str) -> Application:
    """Raise Application.DoesNotExist for an unknown token."""
    return Application.objects.select_related(
        "applicant", "cohort", "cohort__program", "cohort__venue"
    ).get(token=token)


def waitlist_position(application: Application) -> int | None:
    """1 for the first person waiting; None when not on the waiting list."""
    if application.status != S.WAITLISTED:
        return None
    ahead = (
        Application.objects.filter(cohort_id=application.cohort_id, status=S.WAITLISTED)
        .filter(
            Q(submitted_at__lt=application.submitted_at)
            | Q(submitted_at=application.submitted_at, pk__lt=application.pk)
        )
        .count()
    )
    return ahead + 1


@dataclass(frozen=True)
class ChecklistItem:
    kind: str
    label: str
    required: bool
    documents: list[Document]

    @property
    def is_missing(self) -> bool:
        usable = [d for d in self.documents if d.status != Document.Status.REJECTED]
        return self.required and not usable


def document_checklist(application: Application) -> list[ChecklistItem]:
    documents = list(application.documents.all())
    required = set(required_document_kinds(application))
    return [
        ChecklistItem(
            kind=kind.value,
            label=str(kind.label),
            required=kind in required,
            documents=[d for d in documents if d.kind == kind],
        )
        for kind in DocumentKind
        if kind in required or any(d.kind == kind for d in documents)
    ]


def applications_for_email(email: str) -> list[Application]:
    return list(
        Application.objects.filter(email_key=email.strip().lower())
        .select_related("cohort", "cohort__program")
        .order_by("-submitted_at")[:50]
    )


def people_trained() -> int:
    """Applications completed: each is one person trained in one program."""
    return Application.objects.filter(status=S.COMPLETED).count()


def cohort_seats(cohort: Cohort) -> QuerySet:
    return Cohort.objects.filter(pk=cohort.pk).annotate(
        seats_taken=seats_taken_expression(timezone.now())
    )
