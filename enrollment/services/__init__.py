"""Every change of state in enrollment goes through these functions.

- ``status``: who acts, and one step of an application's status;
- ``seats``: the seat engine: locks, the queue, offers and their expiry,
  reserved seats;
- ``transitions``: the applicant's and the staff's steps;
- ``submission``: applying, the rules an applicant must meet, documents;
- ``files``: what a file must be to be kept;
- ``cohorts``: staff changes to a cohort (seats by stream, cancelling);
- ``streams``: an application moved to another funding stream;
- ``people``: staff corrections to an applicant;
- ``office``: documents checked, notes, completion, employment, merging;
- ``privacy``: consents withdrawn, personal data exported and anonymised;
- ``figures``: the daily intake figures the reports sum;
- ``contracts``: contracts prepared, sent, signed, checked, corrected, cancelled
  (used as ``services.contracts``), and ``contract_terms``: who signs, the
  customer's details, the schedule, what the paper prints;
- ``payments``: invoices, payments and refunds; ``orders``: orders of
  enrolment and expulsion;
- ``numbering``: the numbers of the centre's papers, per year without gaps.
"""

from .cohorts import cancel_cohort, quota_field, start_quota, update_cohort
from .files import ALLOWED_CONTENT_TYPES, check_file
from .office import (
    IssuedDocument,
    add_note,
    complete_studies,
    expel,
    issue_duplicate,
    merge_applicants,
    record_employment,
    reject_document,
    send_message,
    verify_document,
)
from .people import correct_applicant
from .seats import accept_offer, cancel_reservation, expire_offers, reserve_seats
from .status import Actor
from .streams import change_stream
from .submission import (
    ApplicantData,
    DuplicateApplication,
    Evidence,
    check_applicant_fits,
    check_cohort_accepts,
    choose_stream,
    send_links_later,
    situation,
    submit_application,
    upload_document,
)
from .transitions import (
    accept_application,
    decline_offer,
    enrol,
    reject_application,
    return_to_waitlist,
    start_studies,
    take_into_review,
    withdraw_application,
)

__all__ = [
    "ALLOWED_CONTENT_TYPES",
    "Actor",
    "ApplicantData",
    "DuplicateApplication",
    "Evidence",
    "IssuedDocument",
    "accept_application",
    "accept_offer",
    "add_note",
    "cancel_cohort",
    "cancel_reservation",
    "change_stream",
    "check_applicant_fits",
    "check_cohort_accepts",
    "check_file",
    "choose_stream",
    "complete_studies",
    "correct_applicant",
    "decline_offer",
    "enrol",
    "expel",
    "expire_offers",
    "issue_duplicate",
    "merge_applicants",
    "quota_field",
    "record_employment",
    "reject_application",
    "reject_document",
    "reserve_seats",
    "return_to_waitlist",
    "send_links_later",
    "send_message",
    "situation",
    "start_quota",
    "start_studies",
    "submit_application",
    "take_into_review",
    "update_cohort",
    "upload_document",
    "verify_document",
    "withdraw_application",
]
