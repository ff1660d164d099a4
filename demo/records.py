"""Demo records of what came of the applications: the documents issued to
those who completed (and a certificate of study to some who left), as the
services record them, and the particulars the federal register asks of a
further education learner (the diploma their right rests on)."""

from __future__ import annotations

import random

from enrollment.models import Applicant, Completion
from programs.models import DocumentKind, EducationLevel, PriorEducation

from .common import S
from .plans import CohortPlan

PRIOR_BY_EDUCATION = {
    EducationLevel.HIGHER: PriorEducation.HIGHER,
    EducationLevel.SECONDARY_VOCATIONAL: PriorEducation.VOCATIONAL,
    EducationLevel.STUDYING_PROFESSIONAL: PriorEducation.CERTIFICATE,
}


def fill_prior_education(rng: random.Random, applicant: Applicant) -> None:
    """A further education learner's diploma; a few numbers are missing, as
    in life, so that the register's check has something to show."""
    prior = PRIOR_BY_EDUCATION.get(applicant.education_level, PriorEducation.EXPERIENCE)
    applicant.prior_education = prior
    if prior in (PriorEducation.HIGHER, PriorEducation.VOCATIONAL):
        applicant.prior_document_surname = applicant.last_name
        applicant.prior_document_series = f"{rng.randint(100000, 999999)}"
        if rng.random() > 0.02:
            applicant.prior_document_number = f"{rng.randint(1000000, 9999999)}"


def completion_for(
    index: int, plan: CohortPlan, status: str, application_id: int, staff_id: int
) -> Completion | None:
    """The document of a finished application (number ``index``), if any."""
    if status == S.COMPLETED:
        kind = plan.document_kind
    elif status == S.EXPELLED and index % 2 == 0:
        kind = DocumentKind.STUDY_CERTIFICATE
    else:
        return None
    return Completion(
        application_id=application_id,
        document_kind=kind,
        registration_number=f"Д-{index:07d}",
        blank_series="ЦП" if kind != DocumentKind.PARTICIPATION else "",
        blank_number=f"{index:09d}",
        issued_on=plan.ends_on,
        qualification=plan.qualification,
        recorded_by_id=staff_id,
        recorded_at=plan.issued_at,
    )
