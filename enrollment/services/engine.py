"""The seat engine: submission, seats, the waiting list, offers and statuses.

Seats are never stored: the seats taken by a cohort are counted from live rows
inside the transaction that allocates, with the cohort row locked first. Locks
are always taken in the same order: the cohort, then its applications.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.identifiers import normalize_snils, validate_snils
from programs.models import Cohort, EducationLevel, LearnerCategory

from .. import emails, tasks
from ..models import (
    ACTIVE_STATUSES,
    ADULT_AGE,
    TRANSITIONS,
    Applicant,
    Application,
    ApplicationStatus,
    ConsentRecord,
    ConsentText,
    Document,
    DocumentKind,
    SeatReservation,
    StatusChange,
    age_on,
    person_key,
    seat_holding_q,
    stages_reached,
)
from . import figures
from .files import check_file, check_room_for, stored_name

S = ApplicationStatus
EDUCATION_ORDER = list(EducationLevel.values)


# --- Who acts ----------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    kind: str
    user: AbstractBaseUser | None = None

    @classmethod
    def applicant(cls) -> Actor:
        return cls(StatusChange.ActorKind.APPLICANT)

    @classmethod
    def system(cls) -> Actor:
        return cls(StatusChange.ActorKind.SYSTEM)

    @classmethod
    def staff(cls, user: AbstractBaseUser) -> Actor:
        return cls(StatusChange.ActorKind.STAFF, user)


# --- Input of a submission -----------------------------------------------------


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


# --- Reads used by the rules ------------------------------------------------------


def seats_taken(cohort: Cohort, *, now: datetime.datetime | None = None) -> int:
    """Count the seats held now: enrolled, studying and live offers."""
    now = now or timezone.now()
    return cohort.applications.filter(seat_holding_q(now)).count()


@dataclass
class SeatState:
    """Who may still get a seat in a cohort now: the general pool and, for each
    employer with an active reservation, its reserved seats."""

    general_free: int
    reserved_free: dict[str, int]

    def can_take(self, employer_inn: str) -> bool:
        return self.reserved_free.get(employer_inn, 0) > 0 or self.general_free > 0

    def take(self, employer_inn: str) -> None:
        if self.reserved_free.get(employer_inn, 0) > 0:
            self.reserved_free[employer_inn] -= 1
        else:
            self.general_free -= 1


def seat_state(cohort: Cohort, *, now: datetime.datetime | None = None) -> SeatState:
    """Count live seat holders against the capacity and the active reservations.

    A holder employed by a reserving employer uses that employer's reserved
    seats first; everyone else, and the overflow, uses the general pool.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    holders = Counter(
        cohort.applications.filter(seat_holding_q(now)).values_list(
            "employer_inn", flat=True
        )
    )
    reserved = dict(
        cohort.reservations.filter(release_on__gt=today).values_list(
            "employer_inn", "seats"
        )
    )
    used = {inn: min(holders.get(inn, 0), seats) for inn, seats in reserved.items()}
    general_capacity = cohort.capacity - sum(reserved.values())
    general_taken = sum(holders.values()) - sum(used.values())
    return SeatState(
        general_free=max(general_capacity - general_taken, 0),
        reserved_free={inn: reserved[inn] - used[inn] for inn in reserved},
    )


def waitlist(cohort: Cohort):
    return cohort.applications.filter(status=S.WAITLISTED).order_by(
        "submitted_at", "pk"
    )


def required_document_kinds(application: Application) -> list[str]:
    """What the applicant must upload for this program."""
    kinds = [DocumentKind.PASSPORT]
    if application.cohort.program.required_education != EducationLevel.NONE:
        kinds.append(DocumentKind.EDUCATION)
    return kinds


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


def check_applicant_fits(data: ApplicantData, cohort: Cohort) -> None:
    """Raise a ValidationError keyed by field for each rule the person breaks."""
    program = cohort.program
    errors: dict[str, list] = {}
    age = age_on(data.birth_date, cohort.starts_on)
    if age < program.min_age:
        errors.setdefault("birth_date", []).append(
            ValidationError(
                _(
                    "This program accepts learners from the age of %(min)s; on the "
                    "first day of the group you will be %(age)s."
                )
                % {"min": program.min_age, "age": age},
                code="too_young",
            )
        )
    if age > 120 or data.birth_date > timezone.localdate():
        errors.setdefault("birth_date", []).append(
            ValidationError(_("Please check the date of birth."), code="birth_date")
        )
    required = program.required_education
    if required != EducationLevel.NONE and EDUCATION_ORDER.index(
        data.education_level
    ) < EDUCATION_ORDER.index(required):
        errors.setdefault("education_level", []).append(
            ValidationError(
                _("This program requires at least: %(level)s.")
                % {"level": EducationLevel(required).label},
                code="education",
            )
        )
    if data.snils:
        try:
            validate_snils(data.snils)
        except ValidationError as error:
            errors.setdefault("snils", []).append(error)
    if age < ADULT_AGE:
        for name in (
            "representative_name",
            "representative_phone",
            "representative_relation",
        ):
            if not getattr(data, name):
                errors.setdefault(name, []).append(
                    ValidationError(
                        _(
                            "Required for applicants under 18: a parent or guardian applies with you."
                        ),
                        code="representative_required",
                    )
                )
    if errors:
        raise ValidationError(errors)


# --- Transitions -----------------------------------------------------------------


def _change_status(
    application: Application,
    to_status: str,
    *,
    actor: Actor,
    comment: str = "",
    now: datetime.datetime | None = None,
) -> None:
    """Apply one allowed transition, record it, and e-mail the person after commit.

    The caller holds the cohort lock and the application row.
    """
    if to_status not in TRANSITIONS[application.status]:
        raise ValidationError(
            _("An application cannot go from “%(from)s” to “%(to)s”.")
            % {"from": S(application.status).label, "to": S(to_status).label},
            code="transition",
        )
    now = now or timezone.now()
    from_status = application.status
    application.status = to_status
    application.status_changed_at = now
    update = ["status", "status_changed_at"]
    new_stages = [
        flag
        for flag, reached in stages_reached([to_status]).items()
        if reached and not getattr(application, flag)
    ]
    for flag in new_stages:
        setattr(application, flag, True)
    update += new_stages
    if to_status == S.OFFERED:
        application.offer_expires_at = now + datetime.timedelta(
            hours=settings.OFFER_VALID_HOURS
        )
        application.offer_accepted_at = None
        update += ["offer_expires_at", "offer_accepted_at"]
    elif from_status == S.OFFERED and to_status != S.ENROLLED:
        application.offer_expires_at = None
        application.offer_accepted_at = None
        update += ["offer_expires_at", "offer_accepted_at"]
    application.save(update_fields=update)
    figures.count_stages(application, new_stages)
    StatusChange.objects.create(
        application=application,
        from_status=from_status,
        to_status=to_status,
        actor_kind=actor.kind,
        actor=actor.user,
        comment=comment,
        created_at=now,
    )
    emails.send_status_email(application.pk, to_status, comment=comment)


def _lock_cohort(cohort_id: int) -> Cohort:
    return (
        Cohort.objects.select_for_update(of=("self",))
        .select_related("program")
        .get(pk=cohort_id)
    )


def _lock_application(application_id: int) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("cohort", "cohort__program", "applicant")
        .get(pk=application_id)
    )


def _release_expired_offers(cohort: Cohort, *, now: datetime.datetime) -> int:
    expired = list(
        cohort.applications.select_for_update()
        .filter(
            status=S.OFFERED, offer_accepted_at__isnull=True, offer_expires_at__lte=now
        )
        .order_by("offer_expires_at", "pk")
    )
    for application in expired:
        _change_status(
            application,
            S.WITHDRAWN,
            actor=Actor.system(),
            comment=str(_("The offer expired without an answer.")),
            now=now,
        )
    return len(expired)


def _fill_from_waitlist(cohort: Cohort, *, now: datetime.datetime) -> list[Application]:
    """Offer free seats to the people waiting, first in first served; a reserved
    seat goes to the first person waiting who works for its employer."""
    state = seat_state(cohort, now=now)
    if not any(state.reserved_free.values()) and state.general_free <= 0:
        return []
    offered = []
    for application in waitlist(cohort).select_for_update():
        if not state.can_take(application.employer_inn):
            if state.general_free <= 0 and not any(state.reserved_free.values()):
                break
            continue
        state.take(application.employer_inn)
        _change_status(
            application,
            S.OFFERED,
            actor=Actor.system(),
            comment=str(_("A seat became free.")),
            now=now,
        )
        offered.append(application)
    return offered


def _settle(cohort: Cohort, *, now: datetime.datetime) -> None:
    """Release expired offers, then move the queue. Caller holds the cohort lock."""
    _release_expired_offers(cohort, now=now)
    _fill_from_waitlist(cohort, now=now)


def _offer_or_waitlist(
    application: Application, *, actor: Actor, now: datetime.datetime
) -> None:
    cohort = application.cohort
    _settle(cohort, now=now)
    # After settling, nobody waiting can use a free seat; so a seat this person
    # can take is theirs (a reserved seat of their employer, or a general one).
    if seat_state(cohort, now=now).can_take(application.employer_inn):
        _change_status(application, S.OFFERED, actor=actor, now=now)
    else:
        _change_status(application, S.WAITLISTED, actor=actor, now=now)


# --- Submission ------------------------------------------------------------------


def submit_application(
    *,
    cohort_id: int,
    data: ApplicantData,
    submission_key,
    consent_text_ids: Iterable[int],
    documents: Iterable[tuple[str, UploadedFile]] = (),
    evidence: Evidence | None = None,
    language: str = "ru",
    employer_inn: str = "",
) -> Application:
    """Create an application, and in a first-come cohort give it a seat or a place
    in the queue.

    Submitting the same form twice (same ``submission_key``) returns the first
    application. Raises ValidationError for a closed cohort, a rule the person
    breaks, a missing required consent, a refused file, and DuplicateApplication
    when the person already holds an active application for this cohort.
    """
    existing = Application.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    evidence = evidence or Evidence()

    checked_files = []
    file_errors: dict[str, ValidationError] = {}
    for kind, upload in documents:
        try:
            checked_files.append((kind, upload, check_file(upload)))
        except ValidationError as error:
            file_errors[f"document_{kind}"] = error
    if file_errors:
        raise ValidationError(file_errors)

    texts = _consent_texts(consent_text_ids)
    email_key = data.email.strip().lower()
    snils_key = normalize_snils(data.snils)
    key = person_key(data.last_name, data.first_name, data.patronymic, data.birth_date)

    try:
        with transaction.atomic(durable=True):
            cohort = _lock_cohort(cohort_id)
            again = Application.objects.filter(submission_key=submission_key).first()
            if again is not None:
                return again  # the same form, sent twice: one application
            check_cohort_accepts(cohort)
            check_applicant_fits(data, cohort)
            duplicate = _find_active_duplicate(cohort, email_key, snils_key, key)
            if duplicate is not None:
                raise DuplicateApplication(duplicate)
            now = timezone.now()
            applicant = _create_applicant(data, snils_key)
            application = Application.objects.create(
                cohort=cohort,
                applicant=applicant,
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
            for kind, upload, content_type in checked_files:
                _store_document(application, kind, upload, content_type)
            emails.send_status_email(application.pk, S.SUBMITTED)
            if cohort.admission_mode == Cohort.AdmissionMode.FIRST_COME:
                _offer_or_waitlist(application, actor=Actor.system(), now=now)
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


def _consent_texts(ids: Iterable[int]) -> list[ConsentText]:
    current = current_consent_texts()
    if not any(t.kind == ConsentText.Kind.PROCESSING for t in current):
        # Without a consent text nobody can consent: take no personal data at all.
        raise ValidationError(
            _("Applications are not accepted right now. Please call the centre."),
            code="consent_text_missing",
        )
    texts = list(ConsentText.objects.filter(pk__in=list(ids)))
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


def current_consent_texts() -> list[ConsentText]:
    """The newest version of each kind of consent text."""
    latest: dict[str, ConsentText] = {}
    for text in ConsentText.objects.order_by("kind", "-version"):
        latest.setdefault(text.kind, text)
    return sorted(latest.values(), key=lambda t: (not t.is_required, t.kind))


def _find_active_duplicate(
    cohort: Cohort, email_key: str, snils_key: str, key: str
) -> Application | None:
    same_person = Q(email_key=email_key) | Q(person_key=key)
    if snils_key:
        same_person |= Q(snils_key=snils_key)
    return (
        cohort.applications.filter(status__in=ACTIVE_STATUSES)
        .filter(same_person)
        .order_by("submitted_at")
        .first()
    )


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
    applicant.categories.set(data.categories)
    return applicant


def _store_document(
    application: Application, kind: str, upload: UploadedFile, content_type: str
) -> Document:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = Document(
        application=application,
        kind=kind,
        original_name=stored_name(upload.name, content_type),
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
    )
    document.file.save("upload", upload, save=False)
    document.save()
    return document


# --- The applicant's actions ----------------------------------------------------


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
    with transaction.atomic(durable=True):
        application = _lock_application(application.pk)
        if application.status not in ACTIVE_STATUSES:
            raise ValidationError(
                _("Documents can no longer be added to this application."),
                code="closed",
            )
        check_room_for(application, adding=1, size=upload.size)
        return _store_document(application, kind, upload, content_type)


def accept_offer(*, application: Application) -> Application:
    """Accept a seat offer before its deadline; the seat is then kept for enrolment."""
    with transaction.atomic(durable=True):
        _lock_cohort(application.cohort_id)
        application = _lock_application(application.pk)
        now = timezone.now()
        if not application.offer_is_open(now):
            raise ValidationError(
                _("This offer can no longer be accepted."), code="offer_closed"
            )
        application.offer_accepted_at = now
        application.save(update_fields=["offer_accepted_at"])
        StatusChange.objects.create(
            application=application,
            from_status=S.OFFERED,
            to_status=S.OFFERED,
            actor_kind=StatusChange.ActorKind.APPLICANT,
            comment=str(_("The applicant accepted the offer.")),
            created_at=now,
        )
    return application


def decline_offer(*, application: Application) -> Application:
    """Decline a seat offer; the seat goes to the next person waiting."""
    return withdraw_application(
        application=application,
        actor=Actor.applicant(),
        comment=str(_("The applicant declined the offer.")),
    )


def withdraw_application(
    *, application: Application, actor: Actor, comment: str = ""
) -> Application:
    """Withdraw an application; a seat it held goes to the next person waiting."""
    return _transition_and_settle(
        application, S.WITHDRAWN, actor=actor, comment=comment
    )


# --- Staff actions -----------------------------------------------------------------


def take_into_review(*, application: Application, actor: Actor) -> Application:
    """Mark a submitted application as being reviewed by staff."""
    return _transition_and_settle(application, S.IN_REVIEW, actor=actor)


def accept_application(*, application: Application, actor: Actor) -> Application:
    """Accept an application: offer a free seat, or put it on the waiting list.

    Raises ValidationError if the application is not awaiting a decision.
    """
    with transaction.atomic(durable=True):
        cohort = _lock_cohort(application.cohort_id)
        application = _lock_application(application.pk)
        if application.status not in (S.SUBMITTED, S.IN_REVIEW):
            raise ValidationError(
                _("Only a submitted or reviewed application can be accepted."),
                code="transition",
            )
        application.cohort = cohort
        _offer_or_waitlist(application, actor=actor, now=timezone.now())
    return application


def reject_application(
    *, application: Application, actor: Actor, reason: str
) -> Application:
    """Reject an application with a reason the applicant will read."""
    if not reason.strip():
        raise ValidationError({"reason": _("Please give the reason.")}, code="reason")
    return _transition_and_settle(application, S.REJECTED, actor=actor, comment=reason)


def return_to_waitlist(*, application: Application, actor: Actor) -> Application:
    """Take back an offer and put the application at its place in the queue."""
    return _transition_and_settle(application, S.WAITLISTED, actor=actor)


def enrol(*, application: Application, actor: Actor) -> Application:
    """Enrol a person holding a live offer. СНИЛС is required by now."""
    with transaction.atomic(durable=True):
        cohort = _lock_cohort(application.cohort_id)
        application = _lock_application(application.pk)
        if S.ENROLLED not in TRANSITIONS[application.status]:
            raise ValidationError(
                _("Only a person holding a seat offer can be enrolled."),
                code="transition",
            )
        if not application.applicant.snils:
            raise ValidationError(
                _("СНИЛС is required for enrolment."), code="snils_required"
            )
        now = timezone.now()
        if application.offer_has_expired(now):
            _settle(cohort, now=now)
            raise ValidationError(_("The offer has expired."), code="offer_closed")
        _change_status(application, S.ENROLLED, actor=actor, now=now)
    return application


def start_studies(*, application: Application, actor: Actor) -> Application:
    return _transition_and_settle(application, S.STUDYING, actor=actor)


def _transition_and_settle(
    application: Application, to_status: str, *, actor: Actor, comment: str = ""
) -> Application:
    with transaction.atomic(durable=True):
        cohort = _lock_cohort(application.cohort_id)
        application = _lock_application(application.pk)
        now = timezone.now()
        if to_status == S.WITHDRAWN and application.offer_has_expired(now):
            # Looked at after its deadline: the offer has already lapsed.
            _settle(cohort, now=now)
            application.refresh_from_db()
            if application.status == S.WITHDRAWN:
                return application
        _change_status(application, to_status, actor=actor, comment=comment, now=now)
        _settle(cohort, now=now)
    return application


# --- The clock ----------------------------------------------------------------------


def expire_offers(*, now: datetime.datetime | None = None) -> int:
    """Release every offer past its deadline and move each queue; return how many.

    Safe to run at any time and as often as wanted: a released offer is not
    released twice, and each cohort is settled under its own lock.
    """
    now = now or timezone.now()
    cohort_ids = list(
        Application.objects.filter(
            status=S.OFFERED, offer_accepted_at__isnull=True, offer_expires_at__lte=now
        )
        .values_list("cohort_id", flat=True)
        .distinct()
        .order_by("cohort_id")
    )
    # Cohorts whose reserved seats went back to everyone and have people waiting.
    today = timezone.localdate(now)
    cohort_ids = sorted(
        set(cohort_ids)
        | set(
            SeatReservation.objects.filter(
                release_on__lte=today,
                cohort__applications__status=S.WAITLISTED,
            ).values_list("cohort_id", flat=True)
        )
    )
    released = 0
    for cohort_id in cohort_ids:
        with transaction.atomic(durable=True):
            cohort = _lock_cohort(cohort_id)
            released += _release_expired_offers(cohort, now=now)
            _fill_from_waitlist(cohort, now=now)
    return released


# --- Reserved seats ---------------------------------------------------------------------


def reserve_seats(
    *,
    cohort: Cohort,
    employer_inn: str,
    employer_name: str,
    seats: int,
    release_on: datetime.date,
    source: str = "",
) -> SeatReservation:
    """Set aside seats of a cohort for one employer's employees until ``release_on``.

    Only free general seats can be reserved, counted under the cohort lock, so a
    reservation never overbooks the cohort. Re-reserving for the same employer
    replaces the previous number.
    """
    if seats < 1:
        raise ValidationError({"seats": _("Reserve at least one seat.")})
    with transaction.atomic():
        cohort = _lock_cohort(cohort.pk)
        if release_on > cohort.starts_on:
            raise ValidationError(
                {"release_on": _("Unused seats must return before the group starts.")}
            )
        existing = cohort.reservations.filter(employer_inn=employer_inn).first()
        now = timezone.now()
        state = seat_state(cohort, now=now)
        already = 0
        if existing is not None and existing.is_active(timezone.localdate(now)):
            already = existing.seats
        holders = cohort.applications.filter(
            seat_holding_q(now), employer_inn=employer_inn
        ).count()
        # Free general seats, plus what this employer already had or holds.
        available = state.general_free + already + max(holders - already, 0)
        if seats > available:
            raise ValidationError(
                {
                    "seats": _("Only %(free)s seats of this group can be reserved now.")
                    % {"free": available}
                },
                code="no_free_seats",
            )
        reservation, _created = SeatReservation.objects.update_or_create(
            cohort=cohort,
            employer_inn=employer_inn,
            defaults={
                "employer_name": employer_name,
                "seats": seats,
                "release_on": release_on,
                "source": source,
            },
        )
        _settle(cohort, now=now)
    return reservation


def cancel_reservation(*, cohort: Cohort, employer_inn: str) -> None:
    """Give a reservation's seats back to everyone; the queue moves at once."""
    with transaction.atomic():
        cohort = _lock_cohort(cohort.pk)
        cohort.reservations.filter(employer_inn=employer_inn).delete()
        _settle(cohort, now=timezone.now())
