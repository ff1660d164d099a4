"""Cohorts with their seats, queue and roster; capacity and cancelling go
through the services."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin_pages import service_form_page
from programs.admin import CohortAdmin as CatalogCohortAdmin
from programs.models import Cohort
from programs.selectors import annotate_seats

from .. import selectors, services
from ..forms import CancelCohortForm, CapacityForm, HistoryReasonForm
from ..models import (
    Application,
    ApplicationStatus,
    SeatReservation,
)
from ..permissions import may_see_personal_data
from .inlines import (
    ReadOnlyInline,
)

S = ApplicationStatus


class WaitlistInline(ReadOnlyInline):
    model = Application
    verbose_name = _("person waiting")
    verbose_name_plural = _("waiting list, in order")
    fields = ["applicant", "submitted_at", "status"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(status=S.WAITLISTED)
            .select_related("applicant")
            .order_by("submitted_at", "pk")
        )


class RosterInline(ReadOnlyInline):
    model = Application
    verbose_name = _("learner")
    verbose_name_plural = _("roster")
    fields = ["applicant", "status", "status_changed_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(status__in=[S.ENROLLED, S.STUDYING, S.COMPLETED, S.EXPELLED])
            .select_related("applicant")
            .order_by("applicant__last_name", "applicant__first_name")
        )


class ReservationInline(ReadOnlyInline):
    model = SeatReservation
    verbose_name_plural = _("seats reserved for partners' employees")
    fields = ["employer_name", "employer_inn", "seats", "release_on", "source"]
    readonly_fields = fields


class AtRiskFilter(admin.SimpleListFilter):
    title = _("at risk")
    parameter_name = "at_risk"

    def lookups(self, request, model_admin):
        return [("yes", _("Starts within 14 days below its minimum size"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=selectors.cohorts_at_risk().values("pk"))
        return queryset


admin.site.unregister(Cohort)


@admin.register(Cohort)
class CohortAdmin(SimpleHistoryAdmin, CatalogCohortAdmin):
    list_display = [
        "code",
        "program",
        "starts_on",
        "application_deadline",
        "capacity",
        "seats_held",
        "seats_reserved",
        "seats_open",
        "waiting",
        "at_risk",
        "status",
    ]
    list_filter = [AtRiskFilter, *CatalogCohortAdmin.list_filter]
    inlines = [ReservationInline, WaitlistInline, RosterInline]
    change_form_template = "admin/enrollment/cohort/change_form.html"

    def get_queryset(self, request):
        return annotate_seats(super().get_queryset(request)).annotate(
            waiting_count=selectors.waiting_count_expression()
        )

    @admin.display(description=_("seats held"), ordering="seats_held")
    def seats_held(self, cohort: Cohort) -> int:
        return cohort.seats_held

    @admin.display(description=_("reserved for partners"), ordering="seats_reserved")
    def seats_reserved(self, cohort: Cohort) -> int:
        return cohort.seats_reserved

    @admin.display(description=_("seats open"), ordering="seats_open")
    def seats_open(self, cohort: Cohort) -> int:
        return cohort.seats_open

    @admin.display(description=_("waiting"), ordering="waiting_count")
    def waiting(self, cohort: Cohort) -> int:
        return cohort.waiting_count

    @admin.display(description=_("at risk"), boolean=True)
    def at_risk(self, cohort: Cohort) -> bool:
        return selectors.is_at_risk(cohort, cohort.seats_held, timezone.localdate())

    def get_readonly_fields(self, request, obj=None):
        """Capacity and status are the seat engine's: changed on their own pages
        (update_cohort, cancel_cohort), which settle the queue at once. A new
        group is created with its capacity, open."""
        return ["capacity", "status"] if obj is not None else ["status"]

    def get_urls(self):
        def view(function, suffix: str):
            return path(
                f"<id:pk>/{suffix}/",
                self.admin_site.admin_view(function),
                name=f"programs_cohort_{suffix}",
            )

        return [
            path(
                "<id:pk>/roster.xlsx",
                self.admin_site.admin_view(self.roster_view),
                name="programs_cohort_roster",
            ),
            view(self.capacity_view, "capacity"),
            view(self.open_close_view, "open-close"),
            view(self.cancel_view, "cancel"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {
            **(extra_context or {}),
            "can_download_roster": may_see_personal_data(request.user),
        }
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def _cohort_to_change(self, request: HttpRequest, pk: int) -> Cohort:
        cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=pk)
        if not self.has_change_permission(request, cohort):
            raise PermissionDenied
        return cohort

    def _service_page(
        self,
        request: HttpRequest,
        cohort: Cohort,
        form,
        *,
        run: Callable[[services.Actor, dict], object],
        done: str,
        title: str,
        **context,
    ) -> HttpResponse:
        """One of the cohort's own pages: ``run`` calls its service as the staff
        member asking."""
        return service_form_page(
            self,
            request,
            form=form,
            run=lambda data: run(services.Actor.staff(request.user), data),
            done=done,
            title=title,
            subject=cohort,
            back=reverse("admin:programs_cohort_change", args=[cohort.pk]),
            original=cohort,
            **context,
        )

    def capacity_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        cohort = self._cohort_to_change(request, pk)
        form = CapacityForm(request.POST or None, initial={"capacity": cohort.capacity})
        return self._service_page(
            request,
            cohort,
            form,
            title=gettext("Change the capacity"),
            intro=gettext(
                "More seats are offered at once to the people waiting, in their "
                "order. The capacity cannot be less than the seats held and kept "
                "for partners."
            ),
            run=lambda actor, data: services.update_cohort(
                cohort=cohort,
                actor=actor,
                capacity=data["capacity"],
                reason=data["reason"],
            ),
            done=gettext("The capacity is changed."),
        )

    def open_close_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        cohort = self._cohort_to_change(request, pk)
        closing = cohort.status == Cohort.Status.OPEN
        form = HistoryReasonForm(request.POST or None)
        return self._service_page(
            request,
            cohort,
            form,
            title=gettext("Close applications")
            if closing
            else gettext("Open applications"),
            submit_label=gettext("Close") if closing else gettext("Open"),
            run=lambda actor, data: services.update_cohort(
                cohort=cohort,
                actor=actor,
                status=Cohort.Status.CLOSED if closing else Cohort.Status.OPEN,
                reason=data["reason"],
            ),
            done=(
                gettext("The group no longer takes applications.")
                if closing
                else gettext("The group takes applications again.")
            ),
        )

    def cancel_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        cohort = self._cohort_to_change(request, pk)
        form = CancelCohortForm(request.POST or None)
        return self._service_page(
            request,
            cohort,
            form,
            title=gettext("Cancel the group"),
            submit_label=gettext("Cancel the group"),
            run=lambda actor, data: services.cancel_cohort(
                cohort=cohort, actor=actor, reason=data["reason"]
            ),
            done=gettext("The group is cancelled; its applicants have been told why."),
        )

    def roster_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        from ..exports import roster_xlsx_response

        cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=pk)
        if not (
            self.has_view_permission(request, cohort)
            and may_see_personal_data(request.user)
        ):
            raise PermissionDenied
        return roster_xlsx_response(cohort)
