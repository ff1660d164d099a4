import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from enrollment.models import Application, ApplicationStatus
from programs.models import Cohort
from tests.factories import CohortFactory, submit

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def test_expire_offers_command_moves_the_queue_and_is_idempotent():
    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.FIRST_COME, capacity=1)
    first, second = submit(cohort), submit(cohort)
    Application.objects.filter(pk=first.pk).update(
        offer_expires_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    out = StringIO()
    call_command("expire_offers", stdout=out)
    assert "1" in out.getvalue()
    second.refresh_from_db()
    assert second.status == S.OFFERED
    out = StringIO()
    call_command("expire_offers", stdout=out)
    assert out.getvalue().strip().endswith("0")
