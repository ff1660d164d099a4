"""Reads of partners for the public pages."""

from django.db.models import Prefetch, QuerySet

from programs.models import Program

from .models import Partner


def public_partners() -> QuerySet[Partner]:
    """Partners shown on the site, with the published programs they take part in."""
    return Partner.objects.filter(is_public=True).prefetch_related(
        Prefetch(
            "programs",
            queryset=Program.objects.published().order_by("title"),
            to_attr="public_programs",
        )
    )


def partners_of_program(program: Program) -> list[Partner]:
    return list(
        Partner.objects.filter(is_public=True, programs=program).order_by("short_name")
    )
