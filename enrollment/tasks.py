"""Background work of enrollment: what runs in the task worker, not a request."""

from __future__ import annotations

from django_tasks import task

from . import emails, selectors


@task()
def send_links(*, email: str) -> int:
    """E-mail the links of every application made with ``email``; return how
    many. Nothing is sent to an address nobody applied with."""
    applications = selectors.applications_for_email(email)
    if applications:
        emails.send_links(email, applications)
    return len(applications)
