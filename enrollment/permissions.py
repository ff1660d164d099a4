"""Who may see applicants' personal data: one rule for every page and download."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# Names, dates of birth, contacts and СНИЛС are the applicant's record: a
# roster, an export or a register that carries them needs this permission on
# top of the one for the page it comes from.
PERSONAL_DATA = "enrollment.view_applicant"


def may_see_personal_data(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_active and user.has_perm(PERSONAL_DATA)
