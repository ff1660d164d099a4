"""The back office for enrollment.

Staff change nothing by editing fields a service owns: every action calls the
same services as the public site, one application or many at a time, and
reports per row what succeeded and what did not and why.
"""

from . import applicants, applications, batches, cohorts, contracts, orders, records

__all__ = [
    "applicants",
    "applications",
    "batches",
    "cohorts",
    "contracts",
    "orders",
    "records",
]
