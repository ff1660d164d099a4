"""Staff actions on applications: one registry for the bulk actions of the list
and the buttons of an application's page; each calls one service and reports
per row what was done and what was not, and why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import services
from ..forms import (
    MessageForm,
    ReasonForm,
)
from ..models import (
    Application,
    ApplicationStatus,
    Order,
)
from ..services.readiness import CANDIDATES, not_ready

S = ApplicationStatus


@dataclass(frozen=True)
class StaffAction:
    label: str
    run: Callable[[Application, services.Actor, forms.Form | None, int], object]
    from_statuses: tuple[str, ...] | None = None  # None: any status
    form: type[forms.Form] | None = None
    # An order moves these: the action opens the order's draft for the group.
    order_kind: str = ""


def _by_order(*args: object) -> object:
    raise AssertionError("an order's action is carried out by signing the order")


STAFF_ACTIONS: dict[str, StaffAction] = {
    "take_into_review": StaffAction(
        _("Take into review"),
        lambda a, actor, form, i: services.take_into_review(application=a, actor=actor),
        (S.SUBMITTED,),
    ),
    "accept": StaffAction(
        _("Accept: offer a seat or the waiting list"),
        lambda a, actor, form, i: services.accept_application(
            application=a, actor=actor
        ),
        (S.SUBMITTED, S.IN_REVIEW),
    ),
    "enrol": StaffAction(
        _("Order of enrolment"),
        _by_order,
        (S.OFFERED,),
        order_kind=Order.Kind.ENROLMENT,
    ),
    "start_studies": StaffAction(
        _("Start studies"),
        lambda a, actor, form, i: services.start_studies(application=a, actor=actor),
        (S.ENROLLED,),
    ),
    "complete": StaffAction(
        _("Order of completion and issue of documents"),
        _by_order,
        (S.STUDYING,),
        order_kind=Order.Kind.COMPLETION,
    ),
    "expel": StaffAction(
        _("Order of expulsion"),
        _by_order,
        (S.ENROLLED, S.STUDYING),
        order_kind=Order.Kind.EXPULSION,
    ),
    "return_to_waitlist": StaffAction(
        _("Return to the waiting list"),
        lambda a, actor, form, i: services.return_to_waitlist(
            application=a, actor=actor
        ),
        (S.OFFERED,),
    ),
    "reject": StaffAction(
        _("Reject with a reason"),
        lambda a, actor, form, i: services.reject_application(
            application=a, actor=actor, reason=form.cleaned_data["reason"]
        ),
        (S.SUBMITTED, S.IN_REVIEW, S.WAITLISTED, S.OFFERED),
        ReasonForm,
    ),
    "send_message": StaffAction(
        _("Send a message"),
        lambda a, actor, form, i: services.send_message(
            application=a,
            actor=actor,
            subject=form.cleaned_data["subject"],
            text=form.cleaned_data["text"],
        ),
        None,
        MessageForm,
    ),
}


def run_staff_action(
    request: HttpRequest, name: str, applications: list[Application], form
) -> tuple[list[str], list[str]]:
    """Run one action on each application in turn; return successes and failures."""
    action = STAFF_ACTIONS[name]
    actor = services.Actor.staff(request.user)
    done, failed = [], []
    for index, application in enumerate(applications):
        who = f"{application.applicant.full_name} ({application.cohort.code})"
        try:
            action.run(application, actor, form, index)
        except ValidationError as error:
            failed.append(f"{who}: {' '.join(error.messages)}")
        else:
            application.refresh_from_db(fields=["status"])
            done.append(f"{who}: {application.get_status_display()}")
    return done, failed


def report(request: HttpRequest, done: list[str], failed: list[str]) -> None:
    if done:
        messages.success(
            request,
            format_html(
                "{}<ul>{}</ul>",
                gettext("Done:"),
                format_html_join("", "<li>{}</li>", ((line,) for line in done)),
            ),
        )
    if failed:
        messages.error(
            request,
            format_html(
                "{}<ul>{}</ul>",
                gettext("Not done:"),
                format_html_join("", "<li>{}</li>", ((line,) for line in failed)),
            ),
        )


def order_draft_redirect(
    request: HttpRequest, kind: str, applications: list[Application]
) -> HttpResponse | None:
    """Open the draft of an order of ``kind`` for the group of
    ``applications``, with them ticked; an order is for one group. Those the
    order cannot list are reported with the reason."""
    today = timezone.localdate()
    unfit = [a for a in applications if a.status not in CANDIDATES[kind]]
    if unfit:
        report(
            request,
            [],
            [
                f"{a.applicant.full_name} ({a.cohort.code}): "
                + "; ".join(not_ready(kind, a, on=today))
                for a in unfit
            ],
        )
    applications = [a for a in applications if a not in unfit]
    if not applications:
        return None
    groups = {a.cohort_id for a in applications}
    if len(groups) != 1:
        messages.error(
            request,
            gettext("An order is for one group: choose the people of one group."),
        )
        return None
    query = urlencode(
        [("cohort", groups.pop()), ("kind", kind)]
        + [("application", a.pk) for a in applications]
    )
    return HttpResponseRedirect(f"{reverse('admin:enrollment_order_draft')}?{query}")


def bulk_action_for(name: str):
    action = STAFF_ACTIONS[name]

    def bulk_action(
        modeladmin, request: HttpRequest, queryset: QuerySet
    ) -> HttpResponse | None:
        applications = list(
            queryset.select_related("applicant", "cohort", "cohort__program").order_by(
                "applicant__last_name", "applicant__first_name", "pk"
            )
        )
        if action.order_kind:
            return order_draft_redirect(request, action.order_kind, applications)
        form = None
        if action.form is not None:
            form = action.form(request.POST if "apply" in request.POST else None)
            if not form.is_bound or not form.is_valid():
                return modeladmin.action_page(request, name, applications, form)
        report(request, *run_staff_action(request, name, applications, form))
        return None

    bulk_action.__name__ = name
    bulk_action.short_description = action.label
    bulk_action.allowed_permissions = ("change",)
    return bulk_action
