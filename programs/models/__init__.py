"""The catalog: directions, programs, venues and cohorts (``catalog``), the
streams that pay for training (``funding``), and their vocabularies
(``choices``); the centre's own details (``centre``); the people who asked to
be told when a group opens (``subscriptions``)."""

from .catalog import (
    Admission,
    Cohort,
    CohortQuerySet,
    Direction,
    Program,
    ProgramQuerySet,
    Venue,
)
from .centre import CENTRE_PK, Centre
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
from .subscriptions import (
    ProgramSubscription,
    SubscriptionConsentText,
    SubscriptionNotice,
)

__all__ = [
    "BUDGET_PAYERS",
    "CENTRE_PK",
    "DIPLOMA_LEVELS",
    "DOCUMENT_BY_KIND",
    "DPO_KINDS",
    "MIN_HOURS_DPO_RETRAINING",
    "MIN_HOURS_DPO_UPGRADE",
    "PROFESSIONAL_AREAS",
    "QUALIFICATION_RANKS",
    "RUSSIA",
    "Admission",
    "CategoryCode",
    "Centre",
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
    "ProgramSubscription",
    "StreamDocument",
    "StudyForm",
    "SubscriptionConsentText",
    "SubscriptionNotice",
    "Venue",
]
