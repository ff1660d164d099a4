"""State changes of the catalog."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
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

from .models import CENTRE_PK, Centre, Program

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
