"""Staff corrections to an applicant's record."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import audit_as
from core.identifiers import normalize_snils, validate_snils

from ..models import Applicant, Application, person_key
from .status import Actor

# What staff may correct; the rest (who anonymised, when) belongs to services.
CORRECTABLE = (
    "last_name",
    "first_name",
    "patronymic",
    "birth_date",
    "sex",
    "phone",
    "email",
    "municipality",
    "education_level",
    "snils",
    "representative_name",
    "representative_phone",
    "representative_email",
    "representative_relation",
    # What the federal register asks of a learner.
    "citizenship",
    "prior_education",
    "prior_document_surname",
    "prior_document_series",
    "prior_document_number",
)
OLDEST_AGE = 120


def correct_applicant(
    *,
    applicant: Applicant,
    actor: Actor,
    changes: Mapping[str, Any],
    reason: str,
) -> Applicant:
    """Correct an applicant's data, as checked as the public form checks it,
    and refresh the identity keys their applications carry (e-mail, СНИЛС,
    name and birth date), which duplicate detection and the lost-link look-up
    use. The history records who and why.

    Raises ValidationError (by field) for a value the form would refuse, a
    field staff may not change, a missing reason, an anonymised person, or a
    key another active application in the same group already holds.
    """
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ValidationError(
            _("These fields cannot be corrected here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            code="not_correctable",
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Please give the reason.")}, code="reason")
    with transaction.atomic(durable=True):
        applicant = Applicant.objects.select_for_update().get(pk=applicant.pk)
        if applicant.anonymised_at is not None:
            raise ValidationError(
                _("This person has been anonymised."), code="anonymised"
            )
        for name, value in changes.items():
            setattr(applicant, name, value.strip() if isinstance(value, str) else value)
        applicant.snils = normalize_snils(applicant.snils)
        _check(applicant)
        audit_as(applicant, actor.user, reason)
        applicant.save()
        try:
            with transaction.atomic():
                Application.objects.filter(applicant=applicant).update(
                    email_key=applicant.email.lower(),
                    snils_key=applicant.snils,
                    person_key=person_key(
                        applicant.last_name,
                        applicant.first_name,
                        applicant.patronymic,
                        applicant.birth_date,
                    ),
                )
        except IntegrityError as error:
            raise ValidationError(
                _(
                    "Another active application in the same group already has this "
                    "e-mail, СНИЛС or name and date of birth: merge the two people "
                    "instead."
                ),
                code="duplicate",
            ) from error
    return applicant


def _check(applicant: Applicant) -> None:
    """The public form's rules, field by field."""
    errors: dict[str, list[ValidationError]] = {}
    try:
        applicant.full_clean(exclude=["categories"])
    except ValidationError as error:
        errors.update(error.error_dict)
    if applicant.snils:
        try:
            validate_snils(applicant.snils)
        except ValidationError as error:
            errors.setdefault("snils", []).append(error)
    today = timezone.localdate()
    birth = applicant.birth_date
    oldest = today - datetime.timedelta(days=366 * OLDEST_AGE)
    if isinstance(birth, datetime.date) and not oldest <= birth <= today:
        errors.setdefault("birth_date", []).append(
            ValidationError(_("Please check the date of birth."), code="birth_date")
        )
    for name in ("last_name", "first_name"):
        if not getattr(applicant, name):
            errors.setdefault(name, []).append(
                ValidationError(_("This field is required."), code="required")
            )
    if errors:
        raise ValidationError(errors)
