"""State changes of the catalog."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from .models import Program


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
