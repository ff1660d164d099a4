"""Forms of enrollment: the public pages' (``public``) and the back office's
(``office``). They check the shape of the input; the services decide."""

from core.forms import add_errors

from .office import (
    AnonymiseForm,
    ApplicantCorrectionForm,
    CancelCohortForm,
    ChangeStreamForm,
    DocumentNumberingForm,
    DocumentReviewForm,
    DuplicateForm,
    EmploymentForm,
    HistoryReasonForm,
    MergeForm,
    MessageForm,
    QuotasForm,
    ReasonForm,
)
from .public import (
    DOCUMENT_FIELDS,
    EMAIL_MAX_LENGTH,
    ApplicationForm,
    DocumentField,
    DocumentUploadForm,
    HoneypotMixin,
    LostLinkForm,
    RussianPhoneField,
)

__all__ = [
    "DOCUMENT_FIELDS",
    "EMAIL_MAX_LENGTH",
    "AnonymiseForm",
    "ApplicantCorrectionForm",
    "ApplicationForm",
    "CancelCohortForm",
    "ChangeStreamForm",
    "DocumentField",
    "DocumentNumberingForm",
    "DocumentReviewForm",
    "DocumentUploadForm",
    "DuplicateForm",
    "EmploymentForm",
    "HistoryReasonForm",
    "HoneypotMixin",
    "LostLinkForm",
    "MergeForm",
    "MessageForm",
    "QuotasForm",
    "ReasonForm",
    "RussianPhoneField",
    "add_errors",
]
