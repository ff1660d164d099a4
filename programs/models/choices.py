"""The catalog's fixed vocabularies: kinds of program and of document, forms of
study, levels of education, funding codes and learner categories."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The law's lower bounds on hours for ДПО programs (273-ФЗ, Order 499).

MIN_HOURS_DPO_UPGRADE = 16
MIN_HOURS_DPO_RETRAINING = 250


class ProgramKind(models.TextChoices):
    """The six kinds of program the centre runs (273-ФЗ)."""

    PO_TRAINING = "po_training", _("Vocational training: first profession")
    PO_RETRAINING = "po_retraining", _("Vocational training: retraining")
    PO_UPGRADE = "po_upgrade", _("Vocational training: upgrade of workers")
    DPO_UPGRADE = "dpo_upgrade", _("Further education: qualification upgrade")
    DPO_RETRAINING = "dpo_retraining", _("Further education: professional retraining")
    CAREER_GUIDANCE = "career_guidance", _("Career guidance and trial of a profession")


class DocumentKind(models.TextChoices):
    """What a learner receives on completing a program."""

    WORKER_CERTIFICATE = "worker_certificate", _("Certificate of a worker profession")
    UPGRADE_CERTIFICATE = (
        "upgrade_certificate",
        _("Certificate of qualification upgrade"),
    )
    RETRAINING_DIPLOMA = "retraining_diploma", _("Diploma of professional retraining")
    PARTICIPATION = "participation", _("Certificate of participation")
    STUDY_CERTIFICATE = "study_certificate", _("Certificate of study (not completed)")


DOCUMENT_BY_KIND: dict[str, str] = {
    ProgramKind.PO_TRAINING: DocumentKind.WORKER_CERTIFICATE,
    ProgramKind.PO_RETRAINING: DocumentKind.WORKER_CERTIFICATE,
    ProgramKind.PO_UPGRADE: DocumentKind.WORKER_CERTIFICATE,
    ProgramKind.DPO_UPGRADE: DocumentKind.UPGRADE_CERTIFICATE,
    ProgramKind.DPO_RETRAINING: DocumentKind.RETRAINING_DIPLOMA,
    ProgramKind.CAREER_GUIDANCE: DocumentKind.PARTICIPATION,
}
DPO_KINDS = (ProgramKind.DPO_UPGRADE, ProgramKind.DPO_RETRAINING)


class StudyForm(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    MIXED = "mixed", _("Full-time and part-time")
    EXTRAMURAL = "extramural", _("Extramural")


class EducationLevel(models.TextChoices):
    """Levels of education, ordered from lowest to highest."""

    NONE = "none", _("No general education completed")
    BASIC_GENERAL = "basic_general", _("Basic general (9 grades)")
    SECONDARY_GENERAL = "secondary_general", _("Secondary general (11 grades)")
    STUDYING_PROFESSIONAL = (
        "studying_professional",
        _("Studying for secondary vocational or higher education"),
    )
    SECONDARY_VOCATIONAL = "secondary_vocational", _("Secondary vocational (СПО)")
    HIGHER = "higher", _("Higher education (ВО)")


class FundingCode(models.TextChoices):
    FEDERAL = "federal", _("Federal project (free)")
    REGIONAL = "regional", _("Regional budget (free)")
    EMPLOYER = "employer", _("Paid by the employer")
    PERSONAL = "personal", _("Paid by the learner")
    MATERNITY_CAPITAL = "maternity_capital", _("Maternity capital")


class CategoryCode(models.TextChoices):
    AGE_50_PLUS = "age_50_plus", _("Aged 50 and over, pre-retirement age")
    CHILDCARE_LEAVE = "childcare_leave", _("Parents on childcare leave (child under 3)")
    NON_WORKING_MOTHER = (
        "non_working_mother",
        _("Non-working mothers of children under 7"),
    )
    DISABILITY = "disability", _("People with disabilities")
    UNEMPLOYED = "unemployed", _("Registered with the employment service")
    DISMISSAL_RISK = "dismissal_risk", _("Employees at risk of dismissal")
    SVO = "svo", _("Participants of the special military operation and their families")
    YOUTH = "youth", _("Young people under 35")
    PUPIL_6_7 = "pupil_6_7", _("School pupils, grades 6-7")
    PUPIL_8_11 = "pupil_8_11", _("School pupils, grades 8-11")
    STUDENT = "student", _("College and university students")
    WORKING_ADULT = "working_adult", _("Working adults")
    PARTNER_EMPLOYEE = "partner_employee", _("Employees of partner companies")


class Payer(models.TextChoices):
    """Who pays for a funding stream."""

    FEDERAL_BUDGET = "federal_budget", _("Federal budget")
    REGIONAL_BUDGET = "regional_budget", _("Regional budget")
    LOCAL_BUDGET = "local_budget", _("Local budget")
    EMPLOYER = "employer", _("The employer")
    LEARNER = "learner", _("The learner or their legal representative")
    MATERNITY_CAPITAL = "maternity_capital", _("Maternity capital (the Social Fund)")


BUDGET_PAYERS = (Payer.FEDERAL_BUDGET, Payer.REGIONAL_BUDGET, Payer.LOCAL_BUDGET)
# «Источник финансирования обучения» of the ФИС ФРДО templates: whoever else
# pays, the register says «Платное обучение».
REGISTER_FUNDING: dict[str, str] = {
    Payer.FEDERAL_BUDGET: "Федеральный бюджет",
    Payer.REGIONAL_BUDGET: "Региональный бюджет",
    Payer.LOCAL_BUDGET: "Местный бюджет",
}
PAID_REGISTER_FUNDING = "Платное обучение"


class PaperKind(models.TextChoices):
    """The papers an applicant shows: every one of them the same kinds."""

    PASSPORT = "passport", _("Passport or birth certificate")
    EDUCATION = "education", _("Education document")
    SNILS = "snils", _("СНИЛС")
    NAME_CHANGE = "name_change", _("Document of a change of name")
    EMPLOYMENT_SERVICE = (
        "employment_service",
        _("Certificate of registration with the employment service"),
    )
    CHILD_BIRTH = "child_birth", _("Birth certificate of the child")
    CHILDCARE_LEAVE = "childcare_leave", _("Order granting childcare leave")
    EMPLOYMENT = "employment", _("Certificate of employment")
    STUDY = "study", _("Certificate of study")
    DISABILITY = "disability", _("Certificate of disability")
    SVO = "svo", _("Document of a participant of the special military operation")
    MATERNITY_CAPITAL = "maternity_capital", _("Maternity capital certificate")
    OTHER = "other", _("Other document")
