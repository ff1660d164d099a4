"""What the demo modules share: the seed, units of time, short names."""

from __future__ import annotations

import datetime
import uuid

from enrollment.models import ApplicationStatus, StatusChange
from programs.models import CategoryCode, EducationLevel

SEED = 2026
NAMESPACE = uuid.UUID("6f1d3c2e-8a4b-5e7f-9c0d-1a2b3c4d5e6f")
STAFF_USERNAME = "demo-intake"

S = ApplicationStatus
A = StatusChange.ActorKind
E = EducationLevel
C = CategoryCode
EDUCATION_ORDER = list(EducationLevel.values)
# Seat holders now, and those who held a seat to the end of their studies.
SEAT_OR_FINISHED = (S.OFFERED, S.ENROLLED, S.STUDYING, S.COMPLETED, S.EXPELLED)
# Paths through these statuses need a СНИЛС (the services enrol only with one).
NEEDS_SNILS = (S.ENROLLED, S.STUDYING, S.COMPLETED, S.EXPELLED)

ONE_DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)
