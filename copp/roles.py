"""Staff roles: the groups and what each may do in the back office."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group, Permission

INTAKE = "Приёмная комиссия"
MANAGERS = "Руководители"
PARTNER_RELATIONS = "Работа с партнёрами"

VIEW = ("view",)
VIEW_CHANGE = ("view", "change")

# Per group: {"app_label.model": actions}; a string action is a full codename.
ROLES: dict[str, dict[str, tuple[str, ...]]] = {
    INTAKE: {
        "enrollment.applicant": (
            *VIEW_CHANGE,
            "merge_applicant",
            "export_personal_data",
            "anonymise_applicant",
        ),
        "enrollment.application": (*VIEW_CHANGE, "export_application"),
        "enrollment.document": VIEW_CHANGE,
        "enrollment.note": ("view", "add"),
        "enrollment.statuschange": VIEW,
        "enrollment.consentrecord": VIEW,
        "enrollment.consenttext": VIEW,
        "enrollment.completion": ("view", "add"),
        "enrollment.duplicate": ("view", "add"),
        "enrollment.employment": ("view", "add", "change"),
        "enrollment.contract": ("view", "add", "change"),
        "enrollment.contractbatch": VIEW,
        "enrollment.invoice": VIEW,
        "enrollment.payment": VIEW,
        "enrollment.order": ("view", "add", "change"),
        "enrollment.orderline": VIEW,
        "programs.centre": VIEW,
        "programs.program": VIEW,
        "programs.cohort": VIEW,
        "programs.direction": VIEW,
        "programs.venue": VIEW,
        "programs.fundingsource": VIEW,
        "programs.streamdocument": VIEW,
        "programs.learnercategory": VIEW,
        "programs.cohortquota": VIEW,
    },
    PARTNER_RELATIONS: {
        "programs.program": VIEW,
        "programs.cohort": VIEW,
        "programs.direction": VIEW,
        "programs.venue": VIEW,
        # Every model of the partners app: full rights but delete.
        "partners.*": ("view", "add", "change"),
    },
}


def _codename(action: str, model: str) -> str:
    return action if "_" in action else f"{action}_{model}"


def managers_permissions() -> list[Permission]:
    """Managers see everything and the reports; they change nothing."""
    perms = Permission.objects.filter(
        content_type__app_label__in=["programs", "enrollment", "partners"],
        codename__startswith="view_",
    )
    return [*perms, Permission.objects.get(codename="export_application")]


def role_permissions(role: str) -> list[Permission]:
    if role == MANAGERS:
        return managers_permissions()
    wanted: list[Permission] = []
    for target, actions in ROLES[role].items():
        app_label, model = target.split(".")
        models = (
            [m._meta.model_name for m in apps.get_app_config(app_label).get_models()]
            if model == "*"
            else [model]
        )
        for name in models:
            for action in actions:
                wanted.extend(
                    Permission.objects.filter(
                        content_type__app_label=app_label,
                        content_type__model=name,
                        codename=_codename(action, name),
                    )
                )
    return wanted


def setup_roles() -> dict[str, int]:
    """Create or update the staff groups; return how many permissions each has."""
    counts = {}
    for role in (INTAKE, MANAGERS, PARTNER_RELATIONS):
        group, _created = Group.objects.get_or_create(name=role)
        permissions = role_permissions(role)
        group.permissions.set(permissions)
        counts[role] = len(permissions)
    return counts
