"""Background work of enrollment: what runs in the task worker, not a request,
and the periodic duties settings.PERIODIC_DUTIES schedules."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from core import exports

from . import emails, selectors

logger = logging.getLogger(__name__)


@task()
def send_links(*, email: str) -> int:
    """E-mail the links of every application made with ``email``; return how
    many. Nothing is sent to an address nobody applied with."""
    applications = selectors.applications_for_email(email)
    if applications:
        emails.send_links(email, applications)
    return len(applications)


@task()
def send_status_email(
    *,
    application_id: int,
    status: str,
    key: str,
    comment: str = "",
    offer_expires_at: str | None = None,
) -> str:
    """Write the e-mail about a new status of an application and send it
    (enrollment.emails.send_status_email enqueues this with the change); once
    per ``key``, however often the task runs. Return what happened."""
    return emails.write_status_email(
        application_id,
        status,
        key=key,
        comment=comment,
        offer_expires_at=offer_expires_at,
    )


@task()
def expire_offers() -> int:
    """Release the offers past their deadline and move the queues (every
    minute; the seats are already free for anyone who counts them)."""
    from .services import expire_offers as release

    return release()


@task()
def send_reminders() -> dict[str, int]:
    """Enqueue the reminders that are due (hourly)."""
    from .services.reminders import send_due_reminders

    return dict(send_due_reminders())


@task()
def notify_cohorts_at_risk() -> int:
    """Tell intake staff about groups at risk (daily)."""
    from .services.alerts import notify_cohorts_at_risk as notify

    return notify()


@task()
def purge_personal_data() -> dict[str, int]:
    """Anonymise whose purpose has ended (daily, 152-ФЗ)."""
    from .services.privacy import purge_personal_data as purge

    result = purge(
        today=timezone.localdate(),
        retention_days=settings.PERSONAL_DATA_RETENTION_DAYS,
    )
    return {
        "consent_withdrawn": result.consent_withdrawn,
        "purpose_ended": result.purpose_ended,
    }


@task()
def delete_expired_exports() -> int:
    """Delete the exports whose time is up (hourly)."""
    return exports.delete_expired_exports()


@task()
def delete_abandoned_uploads() -> int:
    """Delete the files of application forms abandoned after an error (hourly)."""
    from .services.staging import purge_staged_uploads

    return purge_staged_uploads()


@task()
def check_daily_intake() -> bool:
    """Compare the report's daily figures with the applications (weekly);
    a disagreement is logged as an error for the monitoring."""
    from .services.figures import daily_intake_agrees

    agrees = daily_intake_agrees()
    if not agrees:
        logger.error(
            "The daily intake figures disagree with the applications: "
            "run manage.py rebuild_daily_intake"
        )
    return agrees


@task()
def prepare_group_contracts(*, batch_id: int) -> int:
    """Prepare (and send) the contracts of a group's batch; return how many."""
    from .services.contract_batch import run_contract_batch

    return run_contract_batch(batch_id).prepared
