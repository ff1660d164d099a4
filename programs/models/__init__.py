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

__all__ = [
    "BUDGET_PAYERS",
    "DOCUMENT_BY_KIND",
    "DPO_KINDS",
    "MIN_HOURS_DPO_RETRAINING",
    "MIN_HOURS_DPO_UPGRADE",
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
    "Program",
    "ProgramKind",
    "ProgramQuerySet",
    "StreamDocument",
    "StudyForm",
    "Venue",
]
