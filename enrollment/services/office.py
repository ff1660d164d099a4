"""Staff's changes: checking documents, notes and messages, completion, employment,
and merging records of one person."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.ru import inn as stdnum_inn

from programs.models import DocumentKind as ProgramDocumentKind

from .. import emails
from ..models import (
    Applicant,
    Application,
    ApplicationStatus,
    Completion,
    ConsentRecord,
    Document,
    Duplicate,
    Employment,
    Note,
)
from .seats import lock_application, lock_cohort, settle
from .status import Actor, change_status

S = ApplicationStatus


# --- Documents ------------------------------------------------------------------------


def verify_document(*, document: Document, actor: Actor) -> Document:
    """Mark a document as checked and valid."""
    return _review_document(document, actor=actor, status=Document.Status.VERIFIED)


def reject_document(*, document: Document, actor: Actor, reason: str) -> Document:
    """Reject a document; the applicant is asked, by e-mail and on their page,
    for a new one."""
    if not reason.strip():
        raise ValidationError({"reason": _("Please give the reason.")}, code="reason")
    document = _review_document(
        document, actor=actor, status=Document.Status.REJECTED, reason=reason.strip()
    )
    emails.send_document_rejected(document.pk)
    return document


def _review_document(
    document: Document, *, actor: Actor, status: str, reason: str = ""
) -> Document:
    with transaction.atomic():
        document = (
            Document.objects.select_for_update()
            .select_related("application")
            .get(pk=document.pk)
        )
        document.status = status
        document.rejection_reason = reason
        document.reviewed_by = actor.staff_user()
        document.reviewed_at = timezone.now()
        document.save(
            update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at"]
        )
    return document


# --- Notes and messages -----------------------------------------------------------------


def add_note(*, application: Application, author: User, text: str) -> Note:
    """Write an internal note; applicants never see it."""
    if not text.strip():
        raise ValidationError({"text": _("The note is empty.")}, code="empty")
    return Note.objects.create(
        application=application, author=author, text=text.strip()
    )


def send_message(
    *, application: Application, actor: Actor, subject: str, text: str
) -> Note:
    """E-mail the applicant and keep a copy as an internal note."""
    if not subject.strip() or not text.strip():
        raise ValidationError(
            _("Both the subject and the text are needed."), code="empty"
        )
    with transaction.atomic():
        note = Note.objects.create(
            application=application,
            author=actor.staff_user(),
            text=str(_("Message sent: %(subject)s\n\n%(text)s"))
            % {"subject": subject.strip(), "text": text.strip()},
        )
        emails.send_message(application.pk, subject.strip(), text.strip())
    return note


# --- Completion ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedDocument:
    registration_number: str
    issued_on: datetime.date
    blank_series: str = ""
    blank_number: str = ""
    qualification: str = ""


def complete_studies(
    *, application: Application, actor: Actor, document: IssuedDocument
) -> Completion:
    """Mark a learner completed and record the document issued (ФИС ФРДО data).

    The kind of document follows from the program. Raises ValidationError for a
    learner who is not studying or a registration number already used.
    """
    return _finish(
        application,
        to_status=S.COMPLETED,
        actor=actor,
        document=document,
        document_kind=None,
        comment="",
    )


def expel(
    *,
    application: Application,
    actor: Actor,
    reason: str,
    certificate: IssuedDocument | None = None,
) -> Application:
    """Expel a learner; a "справка об обучении" is recorded when one is issued."""
    if not reason.strip():
        raise ValidationError({"reason": _("Please give the reason.")}, code="reason")
    if certificate is None:
        with transaction.atomic(durable=True):
            cohort = lock_cohort(application.cohort_id)
            application = lock_application(application.pk)
            change_status(application, S.EXPELLED, actor=actor, comment=reason.strip())
            settle(cohort, now=timezone.now())
        return application
    completion = _finish(
        application,
        to_status=S.EXPELLED,
        actor=actor,
        document=certificate,
        document_kind=ProgramDocumentKind.STUDY_CERTIFICATE,
        comment=reason.strip(),
    )
    return completion.application


def _finish(
    application: Application,
    *,
    to_status: str,
    actor: Actor,
    document: IssuedDocument,
    document_kind: str | None,
    comment: str,
) -> Completion:
    number = document.registration_number.strip()
    if not number:
        raise ValidationError(
            {"registration_number": _("The registration number is required.")},
            code="registration_number",
        )
    try:
        with transaction.atomic(durable=True):
            cohort = lock_cohort(application.cohort_id)
            application = lock_application(application.pk)
            change_status(application, to_status, actor=actor, comment=comment)
            completion = Completion.objects.create(
                application=application,
                document_kind=document_kind or application.cohort.program.document_kind,
                registration_number=number,
                blank_series=document.blank_series.strip(),
                blank_number=document.blank_number.strip(),
                issued_on=document.issued_on,
                qualification=(
                    document.qualification.strip()
                    or application.cohort.program.qualification
                ),
                recorded_by=actor.staff_user(),
            )
            settle(cohort, now=timezone.now())
    except IntegrityError as error:
        if Completion.objects.filter(registration_number=number).exists():
            raise ValidationError(
                {
                    "registration_number": _(
                        "Registration number %(number)s is already used."
                    )
                    % {"number": number}
                },
                code="registration_number_taken",
            ) from error
        raise
    return completion


def issue_duplicate(
    *,
    completion: Completion,
    actor: Actor,
    document: IssuedDocument,
    loss: str = Duplicate.Loss.NONE,
    exchange: str = Duplicate.Exchange.NONE,
    original_destroyed: bool = False,
) -> Duplicate:
    """Record a duplicate of an issued document, for a lost one (``loss``:
    how the loss is confirmed) or a spoiled or wrong one (``exchange``).

    The register reports it with the original's particulars. Raises
    ValidationError without a reason, without a blank number, for a date
    before the original's, or a registration number already used.
    """
    number = document.registration_number.strip()
    errors: dict[str, ValidationError] = {}
    if not number:
        errors["registration_number"] = ValidationError(
            _("The registration number is required."), code="registration_number"
        )
    if not document.blank_number.strip():
        errors["blank_number"] = ValidationError(
            _("The blank number is required."), code="blank_number"
        )
    if loss == Duplicate.Loss.NONE and exchange == Duplicate.Exchange.NONE:
        errors["loss"] = ValidationError(
            _("Say whether the original was lost or is exchanged."), code="reason"
        )
    if document.issued_on < completion.issued_on:
        errors["issued_on"] = ValidationError(
            _("A duplicate cannot be issued before the original (%(date)s).")
            % {"date": completion.issued_on.strftime("%d.%m.%Y")},
            code="before_original",
        )
    if errors:
        raise ValidationError(errors)
    taken = Completion.objects.filter(registration_number=number).exists()
    try:
        with transaction.atomic(durable=True):
            application = lock_application(completion.application_id)
            if taken:
                raise IntegrityError
            duplicate = Duplicate.objects.create(
                original=completion,
                registration_number=number,
                blank_series=document.blank_series.strip(),
                blank_number=document.blank_number.strip(),
                issued_on=document.issued_on,
                loss=loss,
                exchange=exchange,
                original_destroyed=original_destroyed,
                recorded_by=actor.staff_user(),
            )
            Note.objects.create(
                application=application,
                author=actor.staff_user(),
                text=str(
                    _("Duplicate issued: registration number %(number)s, %(date)s.")
                    % {
                        "number": number,
                        "date": document.issued_on.strftime("%d.%m.%Y"),
                    }
                ),
            )
    except IntegrityError as error:
        raise ValidationError(
            {
                "registration_number": _(
                    "Registration number %(number)s is already used."
                )
                % {"number": number}
            },
            code="registration_number_taken",
        ) from error
    return duplicate


# --- Employment ------------------------------------------------------------------------------


def record_employment(
    *,
    application: Application,
    actor: Actor,
    is_employed: bool,
    employer_name: str = "",
    employer_inn: str = "",
    position: str = "",
    employed_on: datetime.date | None = None,
) -> Employment:
    """Record whether and where a learner works after the program."""
    if application.status not in (S.COMPLETED, S.EXPELLED, S.STUDYING):
        raise ValidationError(
            _("Employment is recorded for learners who studied."), code="not_learner"
        )
    errors = {}
    employer_inn = employer_inn.strip()
    if is_employed and not employer_name.strip():
        errors["employer_name"] = _("Name the employer.")
    if employer_inn and not stdnum_inn.is_valid(employer_inn):
        errors["employer_inn"] = _("This ИНН is not valid.")
    if errors:
        raise ValidationError(errors)
    employment, _created = Employment.objects.update_or_create(
        application=application,
        defaults={
            "is_employed": is_employed,
            "employer_name": employer_name.strip() if is_employed else "",
            "employer_inn": employer_inn if is_employed else "",
            "position": position.strip() if is_employed else "",
            "employed_on": employed_on if is_employed else None,
            "recorded_by": actor.staff_user(),
            "recorded_at": timezone.now(),
        },
    )
    return employment


# --- One person, two records ---------------------------------------------------------------


def merge_applicants(*, keep: Applicant, merge: Applicant, actor: Actor) -> Applicant:
    """Move every application and consent of ``merge`` to ``keep`` and delete ``merge``.

    Status histories stay with their applications; blank fields of ``keep`` are
    filled from ``merge``; the audit keeps the merged record's past versions.
    """
    if keep.pk == merge.pk:
        raise ValidationError(_("Choose two different records."), code="same")
    with transaction.atomic(durable=True):
        locked = {
            a.pk: a
            for a in Applicant.objects.select_for_update().filter(
                pk__in=[keep.pk, merge.pk]
            )
        }
        if len(locked) != 2:
            raise ValidationError(
                _("One of the records no longer exists."), code="gone"
            )
        keep, merge = locked[keep.pk], locked[merge.pk]
        changed = []
        for field in (
            "patronymic",
            "snils",
            "municipality",
            "representative_name",
            "representative_email",
            "representative_relation",
        ):
            if not getattr(keep, field) and getattr(merge, field):
                setattr(keep, field, getattr(merge, field))
                changed.append(field)
        if not keep.representative_phone and merge.representative_phone:
            keep.representative_phone = merge.representative_phone
            changed.append("representative_phone")
        if changed:
            keep.save(update_fields=[*changed, "updated_at"])
        keep.categories.add(*merge.categories.all())
        moved = list(Application.objects.filter(applicant=merge))
        Application.objects.filter(applicant=merge).update(applicant=keep)
        ConsentRecord.objects.filter(applicant=merge).update(applicant=keep)
        text = str(
            _("Applicant record #%(merged)s (%(name)s) merged into #%(kept)s.")
        ) % {
            "merged": merge.pk,
            "name": merge.full_name,
            "kept": keep.pk,
        }
        for application in moved:
            Note.objects.create(
                application=application, author=actor.staff_user(), text=text
            )
        merge.delete()
    return keep
