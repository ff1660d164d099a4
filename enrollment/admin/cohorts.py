"""Cohorts with their seats, queue and roster; capacity and cancelling go
through the services."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_history import ReadableHistoryAdmin
from core.admin_pages import service_form_page
from programs.admin import CohortAdmin as CatalogCohortAdmin
from programs.models import Cohort, CohortQuota, FundingSource
from programs.selectors import annotate_seats

from .. import selectors, services
from ..forms import CancelCohortForm, HistoryReasonForm, QuotasForm
from ..models import (
    Application,
    ApplicationStatus,
    SeatReservation,
)
from ..permissions import may_see_personal_data
from ..seats import annotate_quota_seats
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


class QuotaInline(ReadOnlyInline):
    """The seats on each stream, and how they are used now."""

    model = CohortQuota
    verbose_name_plural = _("seats by funding stream")
    fields = ["stream", "seats", "held", "reserved", "open"]
    readonly_fields = fields

    def get_queryset(self, request):
        return annotate_quota_seats(super().get_queryset(request)).select_related(
            "stream"
        )

    @admin.display(description=_("held"))
    def held(self, quota: CohortQuota) -> int:
        return quota.seats_held

    @admin.display(description=_("reserved for partners"))
    def reserved(self, quota: CohortQuota) -> int:
        return quota.seats_reserved

    @admin.display(description=_("open"))
    def open(self, quota: CohortQuota) -> int:
        return quota.seats_open


class ReservationInline(ReadOnlyInline):
    model = SeatReservation
    verbose_name_plural = _("seats reserved for partners' employees")
    fields = [
        "employer_name",
        "employer_inn",
        "stream",
        "seats",
        "release_on",
        "source",
    ]
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


class NewCohortForm(forms.ModelForm):
    """A new group offers all its seats on one stream; staff split them on its
    "Seats by stream" page."""

    first_stream = forms.ModelChoiceField(
        label=_("Funding stream"),
        queryset=FundingSource.objects.order_by("position", "pk"),
        help_text=_(
            "All seats are on this stream; split them among streams on the "
            "group's page once it is saved."
        ),
    )

    class Meta:
        model = Cohort
        fields = ["program", "code"]  # the admin gives the page's own list


admin.site.unregister(Cohort)


@admin.register(Cohort)
class CohortAdmin(ReadableHistoryAdmin, CatalogCohortAdmin):
    list_display = [
        "group",
        "starts",
        "deadline",
        "capacity",
        "seats_held",
        "seats_reserved",
        "seats_open",
        "waiting",
        "at_risk",
        "status",
    ]
    list_display_links = ["group"]
    list_filter = [AtRiskFilter, *CatalogCohortAdmin.list_filter]
    inlines = [QuotaInline, ReservationInline, WaitlistInline, RosterInline]
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

    @admin.display(description=_("group and program"), ordering="code")
    def group(self, cohort: Cohort) -> str:
        return format_html(
            '{}<div class="list-quiet">{}</div>', cohort.code, cohort.program.title
        )

    @admin.display(description=_("starts"), ordering="starts_on")
    def starts(self, cohort: Cohort) -> str:
        return date_format(cohort.starts_on, "d.m.Y")

    @admin.display(description=_("applications until"), ordering="application_deadline")
    def deadline(self, cohort: Cohort) -> str:
        return date_format(cohort.application_deadline, "d.m.Y")

    @admin.display(description=_("at risk"))
    def at_risk(self, cohort: Cohort) -> str:
        """A warning where the group is at risk; nothing otherwise."""
        if selectors.is_at_risk(cohort, cohort.seats_held, timezone.localdate()):
            return format_html(
                '<span class="list-badge badge-warn">{}</span>', gettext("at risk")
            )
        return ""

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = NewCohortForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is None and "first_stream" not in fields:
            fields.insert(fields.index("capacity") + 1, "first_stream")
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            services.start_quota(cohort=obj, stream=form.cleaned_data["first_stream"])

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
            view(self.seats_view, "seats"),
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

    def seats_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        cohort = self._cohort_to_change(request, pk)
        form = QuotasForm(request.POST or None, cohort=cohort)
        return self._service_page(
            request,
            cohort,
            form,
            title=gettext("Seats by funding stream"),
            intro=gettext(
                "The capacity is the sum of the seats on every stream; 0 removes a "
                "stream. More seats are offered at once to the people waiting, in "
                "their order. A stream cannot have fewer seats than are held and "
                "kept for partners on it, nor be removed while applications are "
                "active on it."
            ),
            run=lambda actor, data: services.update_cohort(
                cohort=cohort,
                actor=actor,
                quotas=form.quotas(),
                reason=data["reason"],
            ),
            done=gettext("The seats are changed."),
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
