"""The catalog: directions, programs, venues and cohorts (``catalog``), the
streams that pay for training (``funding``), and their vocabularies
(``choices``)."""

from .catalog import Cohort, CohortQuerySet, Direction, Program, ProgramQuerySet, Venue
from .choices import (
    BUDGET_PAYERS,
    DOCUMENT_BY_KIND,
    DPO_KINDS,
    MIN_HOURS_DPO_RETRAINING,
    MIN_HOURS_DPO_UPGRADE,
    CategoryCode,
    DocumentKind,
    EducationLevel,
    FundingCode,
    PaperKind,
    Payer,
    ProgramKind,
    StudyForm,
)
from .funding import CohortQuota, FundingSource, LearnerCategory, StreamDocument
from .register import (
    DIPLOMA_LEVELS,
    PROFESSIONAL_AREAS,
    QUALIFICATION_RANKS,
    RUSSIA,
    PriorEducation,
)

__all__ = [
    "BUDGET_PAYERS",
    "DIPLOMA_LEVELS",
    "DOCUMENT_BY_KIND",
    "DPO_KINDS",
    "MIN_HOURS_DPO_RETRAINING",
    "MIN_HOURS_DPO_UPGRADE",
    "PROFESSIONAL_AREAS",
    "QUALIFICATION_RANKS",
    "RUSSIA",
    "CategoryCode",
    "Cohort",
    "CohortQuerySet",
    "CohortQuota",
    "Direction",
    "DocumentKind",
    "EducationLevel",
    "FundingCode",
    "FundingSource",
    "LearnerCategory",
    "PaperKind",
    "Payer",
    "PriorEducation",
    "Program",
    "ProgramKind",
    "ProgramQuerySet",
    "StreamDocument",
    "StudyForm",
    "Venue",
]
