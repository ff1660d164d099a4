"""Seeding more applications after the partners reserved seats keeps the
seats kept for them: the demo gives only what the services would give."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_a_second_seeding_respects_the_partners_reserved_seats():
    call_command("seed_demo", "--applications", "300", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", "--applications", "2500", stdout=out)
    assert "checked: seats, queues, histories and daily figures agree" in out.getvalue()
