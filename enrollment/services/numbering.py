"""Numbers of the centre's papers: per kind and year, without gaps or repeats."""

from __future__ import annotations

from django.db import transaction

from ..models import PaperCounter


def next_number(kind: str, year: int) -> int:
    """Take the next number of ``kind`` in ``year``.

    Must run inside the transaction that issues the paper: the counter's row
    stays locked until it commits (a second caller waits, then gets the next
    number), and a rollback returns the number with everything else, so the
    sequence has no gaps.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must run inside the paper's transaction")
    # The row may not exist yet: create it without failing if another
    # transaction just did, then lock it.
    PaperCounter.objects.bulk_create(
        [PaperCounter(kind=kind, year=year)], ignore_conflicts=True
    )
    counter = PaperCounter.objects.select_for_update().get(kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last
