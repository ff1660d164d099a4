"""Personal data under 152-ФЗ: withdrawing a consent, everything held on a
person, anonymising a person, and finding those whose purpose has ended.

Anonymising keeps what the reports count (the applications with their cohorts,
statuses, dates and funnel flags; sex, categories, education; the year of
birth, as 1 July of that year) and removes what tells who the person is:
names, contacts, СНИЛС, the representative, the uploaded files, the notes and
the addresses consents were given from. The field-level history is masked the
same way instead of being deleted, so the record of who did what stays.

People with an issued document (ФИС ФРДО) keep their ФИО, date of birth and
СНИЛС: the register of issued documents is kept by law, beyond the consent.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import mail
from core.history import audit_as

from ..models import (
    ACTIVE_STATUSES,
    TRANSITIONS,
    Applicant,
    Application,
    ApplicationStatus,
    Completion,
    ConsentRecord,
    ConsentText,
    CustomerDetails,
    Document,
    Note,
)
from .status import Actor
from .transitions import withdraw_application

S = ApplicationStatus
ANONYMOUS = "Обезличено"
MASKED_NOTE = "[обезличено]"


# --- Consent withdrawal ---------------------------------------------------------------


def withdraw_consent(*, application: Application, record_id: int) -> ConsentRecord:
    """The person withdraws one of their consents from their application's page.

    Withdrawing the consent to processing also withdraws every application of
    theirs that can still be withdrawn; ``purge_personal_data`` then
    anonymises them (the law gives 30 days; the command runs daily).
    """
    with transaction.atomic():
        record = (
            ConsentRecord.objects.select_for_update()
            .select_related("text")
            .filter(pk=record_id, applicant_id=application.applicant_id)
            .first()
        )
        if record is None:
            raise ValidationError(_("There is no such consent."), code="no_consent")
        if record.withdrawn_at is None:
            record.withdrawn_at = timezone.now()
            record.save(update_fields=["withdrawn_at"])
    if record.text.kind == ConsentText.Kind.PROCESSING:
        comment = gettext("The consent to processing of personal data was withdrawn.")
        for other in Application.objects.filter(
            applicant_id=application.applicant_id, status__in=ACTIVE_STATUSES
        ):
            if S.WITHDRAWN in TRANSITIONS[other.status]:
                withdraw_application(
                    application=other, actor=Actor.applicant(), comment=comment
                )
    return record


def processing_withdrawn(applicant: Applicant) -> bool:
    """Has the person withdrawn the consent to processing their data?"""
    return applicant.consents.filter(
        text__kind=ConsentText.Kind.PROCESSING, withdrawn_at__isnull=False
    ).exists()


# --- Everything held on a person --------------------------------------------------------


def personal_data(applicant: Applicant) -> dict:
    """Everything the portal holds on a person, for their request (JSON-ready)."""
    applications = (
        applicant.applications.select_related("cohort__program")
        .prefetch_related("history", "documents", "notes", "consents__text")
        .order_by("submitted_at")
    )
    completions = {
        c.application_id: c
        for c in Completion.objects.filter(application__applicant=applicant)
    }
    return {
        "exported_at": timezone.now().isoformat(),
        "operator": settings.COPP_NAME,
        "person": {
            "last_name": applicant.last_name,
            "first_name": applicant.first_name,
            "patronymic": applicant.patronymic,
            "birth_date": applicant.birth_date.isoformat(),
            "sex": applicant.get_sex_display(),
            "phone": str(applicant.phone or ""),
            "email": applicant.email,
            "municipality": applicant.municipality,
            "education": applicant.get_education_level_display(),
            "snils": applicant.snils,
            "categories": [str(c) for c in applicant.categories.all()],
            "representative": {
                "name": applicant.representative_name,
                "relation": applicant.get_representative_relation_display(),
                "phone": str(applicant.representative_phone or ""),
                "email": applicant.representative_email,
            },
            "anonymised_at": _iso(applicant.anonymised_at),
        },
        "consents": [
            {
                "kind": record.text.get_kind_display(),
                "text_version": record.text.version,
                "given_at": record.given_at.isoformat(),
                "ip_address": record.ip_address,
                "user_agent": record.user_agent,
                "withdrawn_at": _iso(record.withdrawn_at),
            }
            for record in applicant.consents.select_related("text").order_by("given_at")
        ],
        "applications": [
            {
                "program": application.cohort.program.title,
                "cohort": application.cohort.code,
                "status": application.get_status_display(),
                "submitted_at": application.submitted_at.isoformat(),
                "history": [
                    {
                        "at": change.created_at.isoformat(),
                        "from": change.from_status,
                        "to": change.to_status,
                        "comment": change.comment,
                    }
                    for change in application.history.all()
                ],
                "documents": [
                    {
                        "kind": document.get_kind_display(),
                        "file_name": document.original_name,
                        "uploaded_at": document.uploaded_at.isoformat(),
                        "status": document.get_status_display(),
                        "sha256": document.sha256,
                    }
                    for document in application.documents.all()
                ],
                "staff_notes": [
                    {"at": note.created_at.isoformat(), "text": note.text}
                    for note in application.notes.all()
                ],
                "issued_document": _completion(completions.get(application.pk)),
            }
            for application in applications
        ],
    }


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _completion(completion: Completion | None) -> dict | None:
    if completion is None:
        return None
    return {
        "document": completion.get_document_kind_display(),
        "registration_number": completion.registration_number,
        "issued_on": completion.issued_on.isoformat(),
    }


# --- Anonymising ---------------------------------------------------------------------------


def _year_only(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 7, 1)


@transaction.atomic
def anonymise(*, applicant: Applicant, actor: Actor, reason: str) -> Applicant:
    """Remove what tells who a person is; keep what the reports count."""
    applicant = Applicant.objects.select_for_update().get(pk=applicant.pk)
    if applicant.anonymised_at is not None:
        return applicant
    for address in (applicant.email, applicant.representative_email):
        if address:
            mail.forget_recipient(address)  # e-mails hold names and links
    in_register = Completion.objects.filter(application__applicant=applicant).exists()
    email = f"anonymised-{applicant.pk}@invalid"
    masked: dict[str, object] = {
        "phone": "",
        "email": email,
        "municipality": "",
        "representative_name": "",
        "representative_phone": "",
        "representative_email": "",
        "representative_relation": "",
    }
    if not in_register:
        masked |= {
            "last_name": ANONYMOUS,
            "first_name": ANONYMOUS,
            "patronymic": "",
            "snils": "",
            "birth_date": _year_only(applicant.birth_date),
        }
    for name, value in masked.items():
        setattr(applicant, name, value)
    applicant.anonymised_at = timezone.now()
    audit_as(applicant, actor.user, reason)
    applicant.save()

    applications = Application.objects.filter(applicant=applicant)
    keys = {
        "email_key": email,
        "person_key": f"anonymised:{applicant.pk}",
    }
    if not in_register:
        keys["snils_key"] = ""
    applications.update(**keys)
    for document in Document.objects.filter(application__applicant=applicant):
        if document.file:
            # The file goes once the rows say so: never before the commit.
            storage, name = document.file.storage, document.file.name or ""
            transaction.on_commit(partial(storage.delete, name))
        document.file = ""
        document.original_name = ""
        document.save(update_fields=["file", "original_name"])
    Note.objects.filter(application__applicant=applicant).update(text=MASKED_NOTE)
    CustomerDetails.objects.filter(application__applicant=applicant).delete()
    ConsentRecord.objects.filter(applicant=applicant).update(
        ip_address=None, user_agent=""
    )
    _mask_history(applicant, masked, keys)
    return applicant


def _mask_history(applicant: Applicant, masked: dict, keys: dict) -> None:
    """The same masks over the field-level history: who did what stays, the
    personal data in it go."""
    history = Applicant.audit.model.objects.filter(id=applicant.pk)
    fields = dict(masked)
    if "birth_date" in fields:
        # Each historical row keeps its own year.
        for row in history.only("pk", "birth_date"):
            Applicant.audit.model.objects.filter(pk=row.pk).update(
                birth_date=_year_only(row.birth_date)
            )
        fields.pop("birth_date")
    history.update(**fields)
    Application.audit.model.objects.filter(applicant_id=applicant.pk).update(**keys)


# --- Whose purpose has ended ---------------------------------------------------------------

FINAL = (S.WITHDRAWN, S.REJECTED, S.COMPLETED, S.EXPELLED)


@dataclass(frozen=True)
class PurgeResult:
    consent_withdrawn: int
    purpose_ended: int


def due_for_anonymisation(
    today: datetime.date, retention_days: int
) -> tuple[list[int], list[int]]:
    """Ids of people to anonymise: those who withdrew the consent to processing
    and have nothing active left, and those whose every application ended
    (closed, or its group finished) more than ``retention_days`` ago."""
    living = Applicant.objects.filter(anonymised_at__isnull=True)

    def active(until: datetime.date):
        """An application still active whose group has not ended by ``until``."""
        return Exists(
            Application.objects.filter(
                applicant=OuterRef("pk"),
                status__in=ACTIVE_STATUSES,
                cohort__ends_on__gte=until,
            )
        )

    withdrew = set(
        living.filter(
            Exists(
                ConsentRecord.objects.filter(
                    applicant=OuterRef("pk"),
                    text__kind=ConsentText.Kind.PROCESSING,
                    withdrawn_at__isnull=False,
                )
            )
        )
        .exclude(active(today))
        .values_list("pk", flat=True)
    )
    cutoff = today - datetime.timedelta(days=retention_days)
    cutoff_moment = timezone.make_aware(
        datetime.datetime.combine(cutoff, datetime.time())
    )
    ended = (
        living.exclude(pk__in=withdrew)
        .exclude(active(cutoff))
        .annotate(
            last_change=Max("applications__status_changed_at"),
            last_end=Max("applications__cohort__ends_on"),
        )
        .filter(last_change__lt=cutoff_moment, last_end__lt=cutoff)
        .values_list("pk", flat=True)
    )
    return sorted(withdrew), sorted(ended)


def purge_personal_data(
    *, today: datetime.date, retention_days: int, dry_run: bool = False
) -> PurgeResult:
    """Anonymise everyone whose purpose has ended (152-ФЗ): who withdrew the
    consent to processing, and whose last application ended more than
    ``retention_days`` ago. With ``dry_run``, only say who."""
    withdrew, ended = due_for_anonymisation(today, retention_days)
    if not dry_run:
        actor = Actor.system()
        for pk, reason in [
            *((pk, gettext("Consent to processing withdrawn")) for pk in withdrew),
            *((pk, gettext("Retention period ended")) for pk in ended),
        ]:
            anonymise(applicant=Applicant(pk=pk), actor=actor, reason=reason)
    return PurgeResult(consent_withdrawn=len(withdrew), purpose_ended=len(ended))
