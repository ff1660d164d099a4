"""Applicants, their applications, consents, documents, contracts and status
history."""

from .applications import Application, StatusChange, new_token
from .batches import ContractBatch, CustomerDetails
from .consents import ConsentRecord, ConsentText
from .contracts import (
    LIVE_CONTRACT_STATES,
    Contract,
    ContractKind,
    ContractState,
    PaperCounter,
)
from .documents import (
    Document,
    DocumentKind,
    Note,
    StagedUpload,
    document_path,
    private_storage,
)
from .orders import Order, OrderLine
from .outcomes import Completion, Duplicate, Employment
from .payments import Invoice, Payment
from .people import (
    Applicant,
    Relation,
    Sex,
    age_on,
    normalize_name,
    person_key,
)
from .reservations import DailyIntake, SeatReservation
from .statuses import (
    ACTIVE_STATUSES,
    ADULT_AGE,
    FUNNEL_COUNTERS,
    FUNNEL_STAGES,
    SEAT_STATUSES,
    STAGE_COUNTERS,
    TRANSITIONS,
    ApplicationStatus,
    stages_reached,
)

__all__ = [
    "ACTIVE_STATUSES",
    "ADULT_AGE",
    "FUNNEL_COUNTERS",
    "FUNNEL_STAGES",
    "LIVE_CONTRACT_STATES",
    "SEAT_STATUSES",
    "STAGE_COUNTERS",
    "TRANSITIONS",
    "Applicant",
    "Application",
    "ApplicationStatus",
    "Completion",
    "ConsentRecord",
    "ConsentText",
    "Contract",
    "ContractBatch",
    "ContractKind",
    "ContractState",
    "CustomerDetails",
    "DailyIntake",
    "Document",
    "DocumentKind",
    "Duplicate",
    "Employment",
    "Invoice",
    "Note",
    "Order",
    "OrderLine",
    "PaperCounter",
    "Payment",
    "Relation",
    "SeatReservation",
    "Sex",
    "StagedUpload",
    "StatusChange",
    "age_on",
    "document_path",
    "new_token",
    "normalize_name",
    "person_key",
    "private_storage",
    "stages_reached",
]
