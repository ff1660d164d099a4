"""Changes of agreements: signing, amending, terminating, and the expiry digest."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core import mail
from enrollment import services as enrollment_services

from .models import Agreement, Amendment, Commitment, ExpiryNotice

EXPIRY_THRESHOLDS = (30, 60, 90)


def _lock(agreement: Agreement) -> Agreement:
    return Agreement.objects.select_for_update().get(pk=agreement.pk)


def check_editable(agreement: Agreement) -> None:
    """A signed agreement is never edited: it is amended or terminated."""
    if (
        agreement.pk
        and Agreement.objects.filter(pk=agreement.pk, signed_on__isnull=False).exists()
    ):
        raise ValidationError(
            _("A signed agreement is not edited: add an amendment or terminate it."),
            code="signed",
        )


def sign_agreement(*, agreement: Agreement, signed_on: datetime.date) -> Agreement:
    """Sign a draft; from then on it can only be amended or terminated."""
    with transaction.atomic():
        agreement = _lock(agreement)
        if agreement.signed_on:
            raise ValidationError(_("The agreement is already signed."), code="signed")
        if signed_on > timezone.localdate():
            raise ValidationError(
                {"signed_on": _("The date of signing cannot be in the future.")}
            )
        agreement.signed_on = signed_on
        if agreement.valid_from is None:
            agreement.valid_from = signed_on
        agreement.save(update_fields=["signed_on", "valid_from"])
        # Seats promised under the agreement are set aside once it is signed.
        for commitment in agreement.commitments.filter(
            kind=Commitment.Kind.RESERVED_SEATS
        ).select_related("cohort"):
            if commitment.cohort is None or commitment.release_on is None:
                continue  # the database makes a seats commitment name both
            enrollment_services.reserve_seats(
                cohort=commitment.cohort,
                employer_inn=agreement.partner.inn,
                employer_name=agreement.partner.short_name,
                seats=commitment.planned,
                release_on=commitment.release_on,
                source=str(agreement),
            )
    return agreement


def add_amendment(
    *,
    agreement: Agreement,
    signed_on: datetime.date,
    text: str,
    scan: File | None = None,
) -> Amendment:
    """Add the next numbered amendment to a signed agreement in force."""
    if not text.strip():
        raise ValidationError({"text": _("The amendment needs its text.")})
    with transaction.atomic():
        agreement = _lock(agreement)
        if not agreement.signed_on:
            raise ValidationError(
                _("A draft is edited directly; amendments are for signed agreements."),
                code="draft",
            )
        if agreement.terminated_on:
            raise ValidationError(
                _("A terminated agreement cannot be amended."), code="terminated"
            )
        last = agreement.amendments.aggregate(last=Max("number"))["last"] or 0
        amendment = Amendment(
            agreement=agreement, number=last + 1, signed_on=signed_on, text=text.strip()
        )
        if scan:
            amendment.scan.save("scan", scan, save=False)
        amendment.save()
    return amendment


def terminate_agreement(
    *, agreement: Agreement, terminated_on: datetime.date, reason: str
) -> Agreement:
    """End a signed agreement early, with the date and the reason."""
    if not reason.strip():
        raise ValidationError({"reason": _("Please give the reason.")})
    with transaction.atomic():
        agreement = _lock(agreement)
        if not agreement.signed_on:
            raise ValidationError(
                _("A draft is not terminated; delete it instead."), code="draft"
            )
        if agreement.terminated_on:
            raise ValidationError(
                _("The agreement is already terminated."), code="terminated"
            )
        if terminated_on < agreement.signed_on:
            raise ValidationError(
                {"terminated_on": _("An agreement cannot end before it was signed.")}
            )
        agreement.terminated_on = terminated_on
        agreement.termination_reason = reason.strip()
        agreement.save(update_fields=["terminated_on", "termination_reason"])
        for commitment in agreement.commitments.filter(
            kind=Commitment.Kind.RESERVED_SEATS
        ).select_related("cohort"):
            if commitment.cohort is None:
                continue
            enrollment_services.cancel_reservation(
                cohort=commitment.cohort, employer_inn=agreement.partner.inn
            )
    return agreement


def notify_expiring_agreements(*, today: datetime.date | None = None) -> int:
    """E-mail each responsible person a digest of their agreements expiring within
    30, 60 or 90 days; each agreement is reported once per threshold. Return the
    number of e-mails sent. Safe to run daily: what was sent is recorded."""
    today = today or timezone.localdate()
    pending: dict[User, list[tuple[Agreement, int]]] = defaultdict(list)
    for threshold in EXPIRY_THRESHOLDS:
        due = (
            Agreement.objects.expiring_within(threshold, today)
            .exclude(responsible__isnull=True)
            .exclude(responsible__email="")
            .exclude(expiry_notices__threshold_days__lte=threshold)
            .select_related("partner", "responsible")
        )
        for agreement in due:
            if agreement.responsible is None or agreement.valid_until is None:
                continue  # excluded by the query above; said again for the types
            # The tightest threshold reached is the one reported.
            already = {item[0].pk for item in pending[agreement.responsible]}
            if agreement.pk not in already:
                pending[agreement.responsible].append((agreement, threshold))
    sent = 0
    for person, items in pending.items():
        with transaction.atomic():
            try:
                for agreement, threshold in items:
                    for level in EXPIRY_THRESHOLDS:
                        if level >= threshold:
                            ExpiryNotice.objects.get_or_create(
                                agreement=agreement, threshold_days=level
                            )
            except IntegrityError:  # another run got there first
                continue
            with translation.override(settings.LANGUAGE_CODE):
                context = {
                    "person": person,
                    "items": [
                        (a, (a.valid_until - today).days)
                        for a, _threshold in items
                        if a.valid_until is not None
                    ],
                    "site": settings.SITE_URL.rstrip("/"),
                }
                body = render_to_string("partners/email/expiring.txt", context)
                subject = str(_("Agreements expiring soon: %(count)s")) % {
                    "count": len(items)
                }
            mail.send_later(subject, body, [person.email])
            sent += 1
    return sent
