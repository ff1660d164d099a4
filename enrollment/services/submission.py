"""A submission: the applicant's data and the rules it must meet, the
application created with its consents and documents, and documents added later.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.identifiers import normalize_snils, validate_snils
from programs import eligibility
from programs.models import Cohort, FundingSource, LearnerCategory

from .. import emails, tasks
from ..models import (
    ACTIVE_STATUSES,
    ADULT_AGE,
    Applicant,
    Application,
    ApplicationStatus,
    ConsentRecord,
    ConsentText,
    Document,
    StatusChange,
    age_on,
    person_key,
)
from ..selectors import newest_consent_texts
from . import figures
from .files import check_file, check_room_for, stored_name
from .seats import lock_application, lock_cohort, offer_or_waitlist
from .status import Actor
from .streams import check_stream_choice

S = ApplicationStatus


@dataclass
class ApplicantData:
    last_name: str
    first_name: str
    patronymic: str
    birth_date: datetime.date
    sex: str
    phone: str
    email: str
    municipality: str
    education_level: str
    categories: list[LearnerCategory] = field(default_factory=list)
    snils: str = ""
    representative_name: str = ""
    representative_phone: str = ""
    representative_email: str = ""
    representative_relation: str = ""


@dataclass(frozen=True)
class Evidence:
    """Where a consent or an action came from."""

    ip_address: str | None = None
    user_agent: str = ""


class DuplicateApplication(ValidationError):
    """The person already holds an active application for this cohort.

    The message does not confirm it (anyone may type someone else's e-mail or
    СНИЛС): the link goes to the address on file, never to the one typed.
    """

    def __init__(self, existing: Application | None) -> None:
        super().__init__(
            _(
                "If you have already applied to this group, we have sent the link "
                "to that application to the e-mail address given in it. Check your "
                "mail, including the spam folder."
            ),
            code="duplicate",
        )
        self.existing = existing


# --- Rules -----------------------------------------------------------------------


def check_cohort_accepts(cohort: Cohort, *, today: datetime.date | None = None) -> None:
    """Raise ValidationError unless the cohort takes applications today."""
    today = today or timezone.localdate()
    if cohort.status == Cohort.Status.CANCELLED:
        raise ValidationError(_("This group has been cancelled."), code="cancelled")
    if cohort.status != Cohort.Status.OPEN or not cohort.program.is_published:
        raise ValidationError(
            _("This group no longer takes applications."), code="closed"
        )
    if cohort.application_deadline < today:
        raise ValidationError(
            _("Applications to this group closed on %(date)s.")
            % {"date": cohort.application_deadline.strftime("%d.%m.%Y")},
            code="deadline",
        )
    if cohort.applications_open_on and cohort.applications_open_on > today:
        raise ValidationError(
            _("Applications to this group open on %(date)s.")
            % {"date": cohort.applications_open_on.strftime("%d.%m.%Y")},
            code="not_yet_open",
        )


def check_applicant_fits(data: ApplicantData, cohort: Cohort) -> None:
    """Raise a ValidationError keyed by field for each rule the person breaks."""
    program = cohort.program
    errors: dict[str, list] = {}
    age = age_on(data.birth_date, cohort.starts_on)
    if age > 120 or data.birth_date > timezone.localdate():
        # A date that cannot be a birth date: no age is worked out from it.
        errors.setdefault("birth_date", []).append(
            ValidationError(_("Please check the date of birth."), code="birth_date")
        )
    elif age < program.min_age:
        errors.setdefault("birth_date", []).append(
            ValidationError(
                _(
                    "This program accepts learners from the age of %(min)s; on the "
                    "first day of the group you will be %(age)s."
                )
                % {
                    "min": eligibility.years(program.min_age),
                    "age": eligibility.years(age),
                },
                code="too_young",
            )
        )
    required = program.required_education
    if not eligibility.education_at_least(data.education_level, required):
        errors.setdefault("education_level", []).append(
            ValidationError(
                _("This program requires %(education)s.")
                % {"education": eligibility.education_needed(required)},
                code="education",
            )
        )
    if data.snils:
        try:
            validate_snils(data.snils)
        except ValidationError as error:
            errors.setdefault("snils", []).append(error)
    if age < ADULT_AGE:
        # The fieldset says once why (under 18 on the first day); each field
        # says what it needs.
        needed = {
            "representative_name": _("Enter the full name of your parent or guardian."),
            "representative_relation": _(
                "Choose who your parent or guardian is to you."
            ),
            "representative_phone": _("Enter the phone of your parent or guardian."),
        }
        for name, message in needed.items():
            if not getattr(data, name):
                errors.setdefault(name, []).append(
                    ValidationError(message, code="representative_required")
                )
    if errors:
        raise ValidationError(errors)


def situation(data: ApplicantData) -> eligibility.Situation:
    """What the streams' rules read of the data typed."""
    return eligibility.Situation(
        birth_date=data.birth_date,
        education_level=data.education_level,
        categories=frozenset(c.code for c in data.categories),
    )


def choose_stream(
    cohort: Cohort,
    data: ApplicantData,
    stream_id: int | None,
    *,
    streams: list[FundingSource] | None = None,
) -> FundingSource:
    """The stream the person applies on, if the cohort offers it and they may
    use it; else a ValidationError on ``stream`` saying why, and which of the
    cohort's streams fits instead.

    ``streams``: the cohort's streams (eligibility.cohort_streams), when the
    caller has them already."""
    if streams is None:
        streams = eligibility.cohort_streams(cohort)
    if stream_id is None and len(streams) == 1:
        stream_id = streams[0].pk
    if stream_id is None:
        raise ValidationError(
            {
                "stream": ValidationError(
                    _("Please choose how the training will be paid for."),
                    code="stream_required",
                )
            }
        )
    return check_stream_choice(cohort, stream_id, situation(data), streams=streams)


# --- Submission ------------------------------------------------------------------


def submit_application(
    *,
    cohort_id: int,
    data: ApplicantData,
    submission_key: uuid.UUID | str,
    consent_text_ids: Iterable[int],
    documents: Iterable[tuple[str, UploadedFile]] = (),
    evidence: Evidence | None = None,
    language: str = "ru",
    employer_inn: str = "",
    stream_id: int | None = None,
    accepts_other_streams: bool = False,
    streams: list[FundingSource] | None = None,
) -> Application:
    """Create an application on a funding stream, and in a first-come cohort
    give it a seat or a place in the queue.

    ``stream_id`` may be left out when the cohort offers one stream. Submitting
    the same form twice (same ``submission_key``) returns the first
    application. Raises ValidationError for a closed cohort, a rule the person
    breaks (the program's, or the stream's: ``stream`` says why and which
    stream fits instead), a missing required consent, a refused file, and
    DuplicateApplication when the person already holds an active application
    for this cohort.

    ``streams``: the cohort's streams with their rules, as the form read them
    (eligibility.cohort_streams), so that they are not read again while the
    cohort is locked; under the lock only the list of its streams is checked
    against them.
    """
    evidence = evidence or Evidence()

    checked_files = []
    file_errors: dict[str, ValidationError] = {}
    for kind, upload in documents:
        try:
            content_type = check_file(upload)
            # Read through here, not while the cohort is locked.
            checked_files.append((kind, upload, content_type, _sha256(upload)))
        except ValidationError as error:
            file_errors[f"document_{kind}"] = error
    if file_errors:
        raise ValidationError(file_errors)

    texts = _consent_texts(consent_text_ids)
    email_key = data.email.strip().lower()
    snils_key = normalize_snils(data.snils)
    key = person_key(data.last_name, data.first_name, data.patronymic, data.birth_date)

    # What follows holds the cohort's lock until the commit: every application
    # to the cohort waits for it, so it reads and writes as little as it can.
    try:
        with transaction.atomic(durable=True):
            cohort = lock_cohort(cohort_id)
            again, duplicate = _find_same_or_duplicate(
                cohort, submission_key, email_key, snils_key, key
            )
            if again is not None:
                return again  # the same form, sent twice: one application
            check_cohort_accepts(cohort)
            check_applicant_fits(data, cohort)
            streams = _current_streams(cohort, streams)
            stream = choose_stream(cohort, data, stream_id, streams=streams)
            if duplicate is not None:
                raise DuplicateApplication(duplicate)
            now = timezone.now()
            applicant = _create_applicant(data, snils_key)
            application = Application.objects.create(
                cohort=cohort,
                applicant=applicant,
                stream=stream,
                accepts_other_streams=accepts_other_streams,
                status=S.SUBMITTED,
                submission_key=submission_key,
                submitted_at=now,
                status_changed_at=now,
                language=language,
                employer_inn=employer_inn.strip(),
                email_key=email_key,
                snils_key=snils_key,
                person_key=key,
            )
            figures.count_submission(application)
            StatusChange.objects.create(
                application=application,
                to_status=S.SUBMITTED,
                actor_kind=StatusChange.ActorKind.APPLICANT,
                created_at=now,
            )
            for text in texts:
                ConsentRecord.objects.create(
                    applicant=applicant,
                    application=application,
                    text=text,
                    given_at=now,
                    ip_address=evidence.ip_address,
                    user_agent=evidence.user_agent[:500],
                )
            for kind, upload, content_type, digest in checked_files:
                _store_document(application, kind, upload, content_type, digest)
            emails.send_status_email(application, S.SUBMITTED)
            if cohort.admission_mode == Cohort.AdmissionMode.FIRST_COME:
                offer_or_waitlist(
                    application, actor=Actor.system(), now=now, streams=streams
                )
    except IntegrityError as error:
        # Two submissions raced past the checks above: the database kept one.
        again = Application.objects.filter(submission_key=submission_key).first()
        if again is not None:
            return again
        cohort = Cohort.objects.get(pk=cohort_id)
        duplicate = _find_active_duplicate(cohort, email_key, snils_key, key)
        if duplicate is None:
            raise
        raise DuplicateApplication(duplicate) from error
    return application


def _current_streams(
    cohort: Cohort, streams: list[FundingSource] | None
) -> list[FundingSource]:
    """The cohort's streams now (its lock held): those read before the lock if
    it still offers exactly these (one query), else read again."""
    if streams is None:
        return eligibility.cohort_streams(cohort)
    offered = set(cohort.quotas.order_by().values_list("stream_id", flat=True))
    if offered != {s.pk for s in streams}:
        # Staff changed the cohort's streams meanwhile.
        return eligibility.cohort_streams(cohort)
    return streams


def _consent_texts(ids: Iterable[int]) -> list[ConsentText]:
    # Every version in one query: the current ones and those given are among them.
    every = list(ConsentText.objects.order_by("kind", "-version"))
    current = newest_consent_texts(every)
    if not any(t.kind == ConsentText.Kind.PROCESSING for t in current):
        # Without a consent text nobody can consent: take no personal data at all.
        raise ValidationError(
            _("Applications are not accepted right now. Please call the centre."),
            code="consent_text_missing",
        )
    given = {int(pk) for pk in ids}
    texts = [t for t in every if t.pk in given]
    given_kinds = {t.kind for t in texts}
    missing = [t for t in current if t.is_required and t.kind not in given_kinds]
    if missing:
        raise ValidationError(
            {
                f"consent_{t.kind}": ValidationError(
                    _("Without this consent we cannot accept the application."),
                    code="consent_required",
                )
                for t in missing
            }
        )
    return texts


def _same_person(email_key: str, snils_key: str, key: str) -> Q:
    same_person = Q(email_key=email_key) | Q(person_key=key)
    if snils_key:
        same_person |= Q(snils_key=snils_key)
    return same_person


def _find_active_duplicate(
    cohort: Cohort, email_key: str, snils_key: str, key: str
) -> Application | None:
    return (
        cohort.applications.filter(status__in=ACTIVE_STATUSES)
        .filter(_same_person(email_key, snils_key, key))
        .order_by("submitted_at")
        .first()
    )


def _find_same_or_duplicate(
    cohort: Cohort,
    submission_key: uuid.UUID | str,
    email_key: str,
    snils_key: str,
    key: str,
) -> tuple[Application | None, Application | None]:
    """In one query: the application this form made already (its
    ``submission_key``), else the person's active application in ``cohort``
    (the first made), else neither."""
    rows = list(
        Application.objects.filter(
            Q(submission_key=submission_key)
            | Q(
                _same_person(email_key, snils_key, key),
                cohort=cohort,
                status__in=ACTIVE_STATUSES,
            )
        ).order_by("submitted_at", "pk")
    )
    wanted = uuid.UUID(str(submission_key))
    same = next((a for a in rows if a.submission_key == wanted), None)
    if same is not None:
        return same, None
    return None, rows[0] if rows else None


def _create_applicant(data: ApplicantData, snils_key: str) -> Applicant:
    applicant = Applicant.objects.create(
        last_name=data.last_name.strip(),
        first_name=data.first_name.strip(),
        patronymic=data.patronymic.strip(),
        birth_date=data.birth_date,
        sex=data.sex,
        phone=data.phone,
        email=data.email.strip(),
        municipality=data.municipality.strip(),
        education_level=data.education_level,
        snils=snils_key,
        representative_name=data.representative_name.strip(),
        representative_phone=data.representative_phone or "",
        representative_email=data.representative_email.strip(),
        representative_relation=data.representative_relation,
    )
    if data.categories:
        applicant.categories.add(*data.categories)
    return applicant


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _store_document(
    application: Application,
    kind: str,
    upload: UploadedFile,
    content_type: str,
    digest: str,
) -> Document:
    document = Document(
        application=application,
        kind=kind,
        original_name=stored_name(upload.name, content_type),
        content_type=content_type,
        size=upload.size or 0,
        sha256=digest,
    )
    document.file.save("upload", upload, save=False)
    document.save()
    return document


# --- Later ---------------------------------------------------------------------------


def send_links_later(*, email: str) -> None:
    """Have the links of every application made with ``email`` e-mailed there.

    The look-up runs in a task, so a request costs the same whether or not
    anybody applied with the address, and tells nothing either way.
    """
    tasks.send_links.enqueue(email=email.strip().lower())


def upload_document(
    *, application: Application, kind: str, upload: UploadedFile
) -> Document:
    """Add a document to an application that is still active.

    Raises ValidationError for a refused file or a closed application.
    """
    content_type = check_file(upload)
    digest = _sha256(upload)
    with transaction.atomic(durable=True):
        application = lock_application(application.pk)
        if application.status not in ACTIVE_STATUSES:
            raise ValidationError(
                _("Documents can no longer be added to this application."),
                code="closed",
            )
        check_room_for(application, adding=1, size=upload.size or 0)
        return _store_document(application, kind, upload, content_type, digest)
