"""The federal register of education documents (ФИС ФРДО): the official
templates' columns (``templates``) and the rows with their check (``checks``).

One row per document issued in the period: an original (a Completion) or a
duplicate (a Duplicate, with the original's particulars in the «(оригинала)»
columns). Certificates of participation (career guidance) are not reported.
"""

from .checks import (
    RELATED,
    Check,
    LeftOut,
    Problem,
    Row,
    build_row,
    check,
    check_register,
    completions_left_out,
    entries,
    originals,
    problem_q,
    problem_rules,
    register_rows,
)
from .templates import COLUMNS, DPO, PO, PROGRAM_KINDS, TEMPLATES, Entry, headers

__all__ = [
    "COLUMNS",
    "DPO",
    "PO",
    "PROGRAM_KINDS",
    "RELATED",
    "TEMPLATES",
    "Check",
    "Entry",
    "LeftOut",
    "Problem",
    "Row",
    "build_row",
    "check",
    "check_register",
    "completions_left_out",
    "entries",
    "headers",
    "originals",
    "problem_q",
    "problem_rules",
    "register_rows",
]
