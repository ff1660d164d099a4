"""State changes of the catalog, and of the notices that a group has opened."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import audit_as
from core.identifiers import (
    validate_account,
    validate_bik,
    validate_inn,
    validate_kpp,
    validate_ogrn,
)
from core.numbers import strip_separators

from . import emails
from .models import (
    CENTRE_PK,
    Centre,
    Cohort,
    Program,
    ProgramSubscription,
    SubscriptionConsentText,
    SubscriptionNotice,
)

logger = logging.getLogger(__name__)

# The centre's numbers, typed with spaces or dashes, are kept as digits.
CENTRE_NUMBERS = ("inn", "kpp", "ogrn", "bik", "account", "correspondent_account")


def set_programs_published(
    *, programs: Iterable[Program], published: bool
) -> list[Program]:
    """Publish or unpublish programs; return those whose state changed.

    A program already in the requested state is left untouched, so the caller
    can report exactly what changed.
    """
    ids = [program.pk for program in programs]
    with transaction.atomic():
        changed = list(
            Program.objects.select_for_update()
            .filter(pk__in=ids)
            .exclude(is_published=published)
            .order_by("pk")
        )
        Program.objects.filter(pk__in=[p.pk for p in changed]).update(
            is_published=published
        )
    for program in changed:
        program.is_published = published
    return changed


def check_centre(centre: Centre) -> None:
    """Raise ValidationError (by field) unless the centre's numbers are right:
    the ИНН of an organisation (10 digits), КПП, ОГРН (13), БИК, and accounts
    whose keys agree with the БИК."""
    errors: dict[str, list[ValidationError]] = {}
    checks = {
        "inn": lambda v: validate_inn(v, length=10),
        "kpp": validate_kpp,
        "ogrn": lambda v: validate_ogrn(v, entrepreneur=False),
        "bik": validate_bik,
    }
    for name, check in checks.items():
        try:
            check(getattr(centre, name))
        except ValidationError as error:
            errors.setdefault(name, []).append(error)
    if "bik" not in errors:
        for name, correspondent in (
            ("account", False),
            ("correspondent_account", True),
        ):
            try:
                validate_account(
                    getattr(centre, name), bik=centre.bik, correspondent=correspondent
                )
            except ValidationError as error:
                errors.setdefault(name, []).append(error)
    try:
        centre.full_clean(validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(ValidationError(m) for m in messages)
    if errors:
        raise ValidationError(errors)


def update_centre(*, user: Any, changes: Mapping[str, Any], reason: str = "") -> Centre:
    """Set the centre's details (the one row, created the first time), checked
    with the portal's identifier rules; the history records who.

    Raises ValidationError (by field) for a wrong number or a missing field.
    """
    unknown = set(changes) - {f.name for f in Centre._meta.concrete_fields}
    if unknown or "id" in changes:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown | ({"id"} & set(changes))))},
            code="not_editable",
        )
    with transaction.atomic(durable=True):
        centre = Centre.objects.select_for_update().filter(pk=CENTRE_PK).first()
        centre = centre or Centre(pk=CENTRE_PK)
        for name, value in changes.items():
            if name in CENTRE_NUMBERS and isinstance(value, str):
                value = strip_separators(value)
            setattr(centre, name, value.strip() if isinstance(value, str) else value)
        check_centre(centre)
        audit_as(centre, user, reason)
        centre.save()
    return centre


# --- Intake notices: people who asked to hear when a group opens ------------

# An address not confirmed within this time is forgotten (152-ФЗ: the purpose
# has lapsed); a request to confirm is not e-mailed again sooner than this.
UNCONFIRMED_KEPT_FOR = datetime.timedelta(days=7)
CONFIRMATION_RESEND_AFTER = datetime.timedelta(minutes=10)
EMAIL_MAX_LENGTH = 254  # the column's (Django's EmailField)


@dataclass(frozen=True)
class Evidence:
    """Where a consent came from (152-ФЗ asks to keep it with the consent)."""

    ip_address: str | None = None
    user_agent: str = ""


def current_subscription_consent() -> SubscriptionConsentText | None:
    """The newest version of the consent to keep an address for the notice."""
    return SubscriptionConsentText.objects.order_by("-version").first()


def subscribe_to_program(
    *,
    program: Program,
    email: str,
    consent: bool,
    language: str = "ru",
    evidence: Evidence | None = None,
    now: datetime.datetime | None = None,
) -> ProgramSubscription:
    """Keep ``email`` to tell it when a group of ``program`` opens; ask the
    address to confirm first.

    One subscription per program and address: asking again changes nothing
    but the consent's record and, at most every few minutes, a new request to
    confirm while unconfirmed; a confirmed one stays as it is. Groups open
    right now are counted as known: the notice is for the next ones. The
    caller answers alike whatever happened, so that nobody learns whether an
    address is subscribed. Raises ValidationError (by field) without the
    consent, for an address that is not one, or for a program out of the
    catalog.
    """
    now = now or timezone.now()
    evidence = evidence or Evidence()
    address = email.strip().lower()
    errors: dict[str, list[ValidationError]] = {}
    try:
        if len(address) > EMAIL_MAX_LENGTH:
            raise ValidationError("too long")
        validate_email(address)
    except ValidationError:
        errors["email"] = [
            ValidationError(
                _("Enter an e-mail address like name@example.ru."), code="email"
            )
        ]
    if not consent:
        errors["consent"] = [
            ValidationError(
                _("Without this consent we cannot keep your address."),
                code="consent",
            )
        ]
    if errors:
        raise ValidationError(errors)
    if not program.is_published:
        raise ValidationError(
            _("This program is not in the catalog."), code="unpublished"
        )
    text = current_subscription_consent()
    if text is None:
        raise ValidationError(
            _("Notices cannot be asked for right now. Please call the centre."),
            code="no_consent_text",
        )
    consent_fields = {
        "consent_text": text,
        "consent_given_at": now,
        "ip_address": evidence.ip_address or None,
        "user_agent": evidence.user_agent[:500],
        "language": language[:8],
    }
    with transaction.atomic(durable=True):
        subscription = (
            ProgramSubscription.objects.select_for_update()
            .filter(program=program, email=address)
            .first()
        )
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = ProgramSubscription.objects.create(
                        program=program, email=address, **consent_fields
                    )
            except IntegrityError:  # the same address, at the same moment
                subscription = ProgramSubscription.objects.select_for_update().get(
                    program=program, email=address
                )
            else:
                SubscriptionNotice.objects.bulk_create(
                    [
                        SubscriptionNotice(
                            subscription=subscription, cohort=cohort, emailed=False
                        )
                        for cohort in program.cohorts.open_for_applications(
                            timezone.localdate(now)
                        )
                    ]
                )
                logger.info("Intake notices asked for, program %s", program.pk)
        if subscription.is_confirmed:
            return subscription
        for name, value in consent_fields.items():
            setattr(subscription, name, value)
        last = subscription.confirmation_sent_at
        if last is None or now - last >= CONFIRMATION_RESEND_AFTER:
            subscription.confirmation_sent_at = now
            emails.send_confirmation(subscription)
        subscription.save()
    return subscription


def confirm_program_subscription(
    *, token: str, now: datetime.datetime | None = None
) -> ProgramSubscription | None:
    """Confirm the address of the subscription with ``token`` (once; again is
    no change). Return it, or None for a token that is no subscription's."""
    with transaction.atomic(durable=True):
        subscription = (
            ProgramSubscription.objects.select_for_update()
            .select_related("program")
            .filter(token=token)
            .first()
        )
        if subscription is not None and not subscription.is_confirmed:
            subscription.confirmed_at = now or timezone.now()
            subscription.save(update_fields=["confirmed_at"])
            logger.info("Intake notices confirmed, program %s", subscription.program_id)
    return subscription


def unsubscribe_from_program(*, token: str) -> bool:
    """Delete the subscription with ``token``: the address, its consent's
    record and the groups it was told about (152-ФЗ: no longer needed).
    Return whether there was one; a second time is no error."""
    with transaction.atomic(durable=True):
        program_ids = list(
            ProgramSubscription.objects.filter(token=token).values_list(
                "program_id", flat=True
            )
        )
        deleted, _counts = ProgramSubscription.objects.filter(token=token).delete()
    if program_ids:
        logger.info("Intake notices cancelled, program %s", program_ids[0])
    return bool(deleted)


def send_program_notices(*, today: datetime.date | None = None) -> int:
    """E-mail each confirmed subscriber of a program about each of its groups
    that takes applications now and they have not heard of; return how many
    e-mails were enqueued.

    A group opens when staff open it or on its first day to apply; either
    way it is found here. Each subscriber hears of each group once (a
    SubscriptionNotice row and the e-mail's key); a group not taking
    applications is never announced.
    """
    today = today or timezone.localdate()
    sent = 0
    cohorts = (
        Cohort.objects.open_for_applications(today)
        .filter(
            Exists(
                ProgramSubscription.objects.filter(
                    program=OuterRef("program"), confirmed_at__isnull=False
                ).exclude(notices__cohort=OuterRef("pk"))
            )
        )
        .select_related("program", "venue")
        .order_by("starts_on", "pk")
    )
    for cohort in cohorts:
        waiting = (
            ProgramSubscription.objects.filter(
                program=cohort.program_id, confirmed_at__isnull=False
            )
            .exclude(notices__cohort=cohort)
            .order_by("pk")
        )
        for subscription in waiting:
            subscription.program = cohort.program
            with transaction.atomic(durable=True):
                _notice, created = SubscriptionNotice.objects.get_or_create(
                    subscription=subscription, cohort=cohort
                )
                if created and emails.send_opening(subscription, cohort):
                    sent += 1
    return sent


def forget_unconfirmed_subscriptions(*, now: datetime.datetime | None = None) -> int:
    """Delete the addresses nobody confirmed within UNCONFIRMED_KEPT_FOR of
    the last request; return how many."""
    cutoff = (now or timezone.now()) - UNCONFIRMED_KEPT_FOR
    deleted, _counts = ProgramSubscription.objects.filter(
        confirmed_at__isnull=True, consent_given_at__lt=cutoff
    ).delete()
    return deleted
