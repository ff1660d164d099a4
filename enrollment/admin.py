"""The back office for enrollment.

Staff change nothing by editing fields: every action calls the same services as
the public site, one application or many at a time, and reports per row what
succeeded and what did not and why.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from programs.admin import CohortAdmin as CatalogCohortAdmin
from programs.models import Cohort
from programs.selectors import annotate_seats

from . import selectors, services
from .forms import (
    AnonymiseForm,
    CompletionForm,
    DocumentReviewForm,
    EmploymentForm,
    ExpelForm,
    MergeForm,
    MessageForm,
    ReasonForm,
    add_errors,
)
from .models import (
    Applicant,
    Application,
    ApplicationStatus,
    Completion,
    ConsentRecord,
    ConsentText,
    Document,
    Employment,
    Note,
    SeatReservation,
    StatusChange,
)
from .permissions import may_see_personal_data
from .services import privacy

S = ApplicationStatus


# --- Staff actions: one registry for bulk actions and the change page -------------------


@dataclass(frozen=True)
class StaffAction:
    label: str
    run: Callable[[Application, services.Actor, forms.Form | None, int], object]
    from_statuses: tuple[str, ...] | None = None  # None: any status
    form: type[forms.Form] | None = None


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
        _("Enrol"),
        lambda a, actor, form, i: services.enrol(application=a, actor=actor),
        (S.OFFERED,),
    ),
    "start_studies": StaffAction(
        _("Start studies"),
        lambda a, actor, form, i: services.start_studies(application=a, actor=actor),
        (S.ENROLLED,),
    ),
    "complete": StaffAction(
        _("Mark completed and record the document"),
        lambda a, actor, form, i: services.complete_studies(
            application=a, actor=actor, document=form.issued_document(i)
        ),
        (S.STUDYING,),
        CompletionForm,
    ),
    "expel": StaffAction(
        _("Expel"),
        lambda a, actor, form, i: services.expel(
            application=a,
            actor=actor,
            reason=form.cleaned_data["reason"],
            certificate=form.certificate(),
        ),
        (S.ENROLLED, S.STUDYING),
        ExpelForm,
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


def _bulk(name: str):
    action = STAFF_ACTIONS[name]

    def bulk_action(
        modeladmin, request: HttpRequest, queryset: QuerySet
    ) -> HttpResponse | None:
        applications = list(
            queryset.select_related("applicant", "cohort", "cohort__program").order_by(
                "applicant__last_name", "applicant__first_name", "pk"
            )
        )
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


# --- Inlines ---------------------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = [
        "kind",
        "download",
        "size",
        "status",
        "rejection_reason",
        "reviewed",
        "review",
    ]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, document: Document) -> str:
        url = reverse("staff:staff_document", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, document.original_name)

    @admin.display(description=_("checked"))
    def reviewed(self, document: Document) -> str:
        if not document.reviewed_at:
            return "—"
        return f"{document.reviewed_by} {document.reviewed_at:%d.%m.%Y %H:%M}"

    @admin.display(description="")
    def review(self, document: Document) -> str:
        url = reverse(
            "admin:enrollment_application_review_document",
            args=[document.application_id, document.pk],
        )
        return format_html('<a class="button" href="{}">{}</a>', url, gettext("Check"))


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    verbose_name_plural = _("status history")
    fields = [
        "created_at",
        "from_status",
        "to_status",
        "actor_kind",
        "actor",
        "comment",
    ]
    readonly_fields = fields


class NoteInline(admin.TabularInline):
    model = Note
    extra = 1
    can_delete = False
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # written notes stay as they were; the extra form adds one


class ConsentInline(ReadOnlyInline):
    model = ConsentRecord
    fields = ["text", "given_at", "ip_address", "user_agent", "withdrawn_at"]
    readonly_fields = fields


class CompletionInline(ReadOnlyInline):
    model = Completion
    fields = [
        "document_kind",
        "registration_number",
        "blank_series",
        "blank_number",
        "issued_on",
        "qualification",
        "recorded_by",
    ]
    readonly_fields = fields


class EmploymentInline(ReadOnlyInline):
    model = Employment
    fields = ["is_employed", "employer_name", "employer_inn", "position", "employed_on"]
    readonly_fields = fields


# --- Applications ------------------------------------------------------------------------


class CohortListFilter(admin.RelatedFieldListFilter):
    """Cohorts that have applications, named with their program, in one query."""

    def field_choices(self, field, request, model_admin):
        cohorts = (
            Cohort.objects.filter(
                Exists(Application.objects.filter(cohort=OuterRef("pk")))
            )
            .select_related("program")
            .order_by("-starts_on", "code")
        )
        return [(cohort.pk, str(cohort)) for cohort in cohorts]


class ApplicationChangeList(ChangeList):
    """Counting, dates and filters run on the bare table; the per-row flags
    (documents complete, possible duplicate) are computed for the shown page only."""

    def get_results(self, request) -> None:
        super().get_results(request)
        rows = list(self.result_list)
        flags = {
            row["pk"]: row
            for row in selectors.with_office_flags(
                Application.objects.filter(pk__in=[a.pk for a in rows])
            ).values("pk", "documents_complete", "possible_duplicate")
        }
        for application in rows:
            application.documents_complete = flags[application.pk]["documents_complete"]
            application.possible_duplicate = flags[application.pk]["possible_duplicate"]
        self.result_list = rows


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = [
        "applicant_name",
        "program",
        "cohort_code",
        "status",
        "submitted_at",
        "documents_complete",
        "possible_duplicate",
    ]
    list_filter = [
        "status",
        "cohort__program__direction",
        "cohort__program",
        ("cohort", CohortListFilter),
        "applicant__categories",
        "cohort__program__funding_sources",
        "submitted_at",
    ]
    search_fields = [
        "applicant__last_name",
        "applicant__first_name",
        "applicant__patronymic",
        "applicant__email",
        "applicant__phone",
        "applicant__snils",
    ]
    search_help_text = _("Last name, first name, e-mail, phone or СНИЛС")
    date_hierarchy = "submitted_at"
    list_per_page = 50
    show_full_result_count = False
    readonly_fields = [
        "applicant_link",
        "cohort",
        "status",
        "submitted_at",
        "status_changed_at",
        "offer_expires_at",
        "offer_accepted_at",
        "language",
        "public_link",
    ]
    inlines = [
        DocumentInline,
        StatusChangeInline,
        NoteInline,
        CompletionInline,
        EmploymentInline,
        ConsentInline,
    ]
    actions = [_bulk(name) for name in STAFF_ACTIONS]
    change_form_template = "admin/enrollment/application/change_form.html"
    change_list_template = "admin/enrollment/application/change_list.html"
    history_list_display = ["status"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Application]:
        return (
            super()
            .get_queryset(request)
            .select_related("applicant", "cohort", "cohort__program")
        )

    def get_fields(self, request: HttpRequest, obj=None) -> list[str]:
        """The applicant's secret link acts as the applicant: only staff who may
        change applications see it."""
        fields = list(self.readonly_fields)
        if not self.has_change_permission(request, obj):
            fields.remove("public_link")
        return fields

    def get_changelist(self, request, **kwargs):
        return ApplicationChangeList

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("applicant"), ordering="applicant__last_name")
    def applicant_name(self, application: Application) -> str:
        return application.applicant.full_name

    @admin.display(description=_("program"), ordering="cohort__program__title")
    def program(self, application: Application) -> str:
        return application.cohort.program.title

    @admin.display(description=_("cohort"), ordering="cohort__code")
    def cohort_code(self, application: Application) -> str:
        return application.cohort.code

    @admin.display(description=_("documents"), boolean=True)
    def documents_complete(self, application: Application) -> bool:
        return application.documents_complete

    @admin.display(description=_("possible duplicate"), boolean=True)
    def possible_duplicate(self, application: Application) -> bool:
        return application.possible_duplicate

    @admin.display(description=_("applicant"))
    def applicant_link(self, application: Application) -> str:
        url = reverse(
            "admin:enrollment_applicant_change", args=[application.applicant_id]
        )
        applicant = application.applicant
        return format_html(
            '<a href="{}">{}</a><br>{} · {} · {}',
            url,
            applicant.full_name,
            applicant.birth_date.strftime("%d.%m.%Y"),
            applicant.phone,
            applicant.email,
        )

    @admin.display(description=_("applicant's page"))
    def public_link(self, application: Application) -> str:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            application.get_absolute_url(),
            gettext("open as the applicant sees it"),
        )

    def save_model(self, request, obj, form, change) -> None:
        """The application's own fields are read-only: nothing to save here."""

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Note:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = (
            [],
            [],
            [],
        )
        for note_form in formset.extra_forms:
            text = note_form.cleaned_data.get("text") if note_form.has_changed() else ""
            if text:
                formset.new_objects.append(
                    services.add_note(
                        application=form.instance, author=request.user, text=text
                    )
                )
        return None

    def get_urls(self):
        urls = [
            path(
                "<id:pk>/act/<str:name>/",
                self.admin_site.admin_view(self.act_view),
                name="enrollment_application_act",
            ),
            path(
                "<id:pk>/documents/<int:document_id>/review/",
                self.admin_site.admin_view(self.review_document_view),
                name="enrollment_application_review_document",
            ),
            path(
                "<id:pk>/employment/",
                self.admin_site.admin_view(self.employment_view),
                name="enrollment_application_employment",
            ),
            path(
                "export/<str:fmt>/",
                self.admin_site.admin_view(self.export_view),
                name="enrollment_application_export",
            ),
        ]
        return urls + super().get_urls()

    def export_view(self, request: HttpRequest, fmt: str) -> HttpResponse:
        """The changelist as filtered and searched, streamed as CSV or XLSX."""
        from .exports import csv_response, xlsx_response

        if (
            fmt not in ("csv", "xlsx")
            or not request.user.has_perm("enrollment.export_application")
            or not may_see_personal_data(request.user)
        ):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            # What the list itself does with a filter it cannot apply.
            return HttpResponseRedirect(
                reverse("admin:enrollment_application_changelist") + "?e=1"
            )
        # The rows the changelist shows, without its per-row flags.
        queryset = Application.objects.filter(
            pk__in=changelist.get_queryset(request).values("pk")
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        if fmt == "csv":
            return csv_response(queryset, filename=f"applications-{stamp}.csv")
        return xlsx_response(
            queryset,
            filename=f"applications-{stamp}.xlsx",
            sheet_title=gettext("Applications"),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self.get_object(request, object_id)
        extra = extra_context or {}
        if application is not None:
            extra["staff_actions"] = [
                (name, action.label)
                for name, action in STAFF_ACTIONS.items()
                if action.from_statuses is None
                or application.status in action.from_statuses
            ]
            extra["can_record_employment"] = application.status in (
                S.STUDYING,
                S.COMPLETED,
                S.EXPELLED,
            )
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def action_page(
        self, request, name, applications, form, *, single=None
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": STAFF_ACTIONS[name].label,
            "action_name": name,
            "applications": applications,
            "form": form,
            "single": single,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/enrollment/application/action.html", context
        )

    def _application_or_404(self, request, pk: int) -> Application:
        application = get_object_or_404(
            Application.objects.select_related(
                "applicant", "cohort", "cohort__program"
            ),
            pk=pk,
        )
        if not self.has_change_permission(request, application):
            raise PermissionDenied
        return application

    def act_view(self, request: HttpRequest, pk: int, name: str) -> HttpResponse:
        if name not in STAFF_ACTIONS:
            raise PermissionDenied
        application = self._application_or_404(request, pk)
        back = reverse("admin:enrollment_application_change", args=[pk])
        action = STAFF_ACTIONS[name]
        form = None
        if request.method == "POST":
            if action.form is not None:
                form = action.form(request.POST)
                if not form.is_valid():
                    return self.action_page(
                        request, name, [application], form, single=back
                    )
            report(request, *run_staff_action(request, name, [application], form))
            return HttpResponseRedirect(back)
        if action.form is not None:
            form = action.form()
        return self.action_page(request, name, [application], form, single=back)

    def review_document_view(self, request, pk: int, document_id: int) -> HttpResponse:
        application = self._application_or_404(request, pk)
        document = get_object_or_404(Document, pk=document_id, application=application)
        back = reverse("admin:enrollment_application_change", args=[pk])
        form = DocumentReviewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            actor = services.Actor.staff(request.user)
            if form.cleaned_data["decision"] == "verify":
                services.verify_document(document=document, actor=actor)
                messages.success(request, gettext("The document is marked as valid."))
            else:
                services.reject_document(
                    document=document, actor=actor, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request, gettext("The applicant has been asked for a new document.")
                )
            return HttpResponseRedirect(back)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Check the document"),
            "application": application,
            "document": document,
            "download": reverse("staff:staff_document", args=[document.pk]),
            "form": form,
            "back": back,
        }
        return TemplateResponse(
            request, "admin/enrollment/application/simple_form.html", context
        )

    def employment_view(self, request, pk: int) -> HttpResponse:
        application = self._application_or_404(request, pk)
        back = reverse("admin:enrollment_application_change", args=[pk])
        current = Employment.objects.filter(application=application).first()
        initial = (
            {
                "is_employed": current.is_employed,
                "employer_name": current.employer_name,
                "employer_inn": current.employer_inn,
                "position": current.position,
                "employed_on": current.employed_on,
            }
            if current
            else {}
        )
        form = EmploymentForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.record_employment(
                    application=application,
                    actor=services.Actor.staff(request.user),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, gettext("Employment recorded."))
                return HttpResponseRedirect(back)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Employment after training"),
            "application": application,
            "form": form,
            "back": back,
        }
        return TemplateResponse(
            request, "admin/enrollment/application/simple_form.html", context
        )


# --- Applicants and duplicates -------------------------------------------------------------


@admin.register(Applicant)
class ApplicantAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "birth_date", "email", "phone", "municipality"]
    search_fields = ["last_name", "first_name", "patronymic", "email", "phone", "snils"]
    filter_horizontal = ["categories"]
    readonly_fields = ["created_at", "updated_at", "anonymised_at"]
    change_list_template = "admin/enrollment/applicant/change_list.html"
    change_form_template = "admin/enrollment/applicant/change_form.html"

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path(
                "duplicates/",
                self.admin_site.admin_view(self.duplicates_view),
                name="enrollment_applicant_duplicates",
            ),
            path(
                "<id:pk>/personal-data/",
                self.admin_site.admin_view(self.personal_data_view),
                name="enrollment_applicant_personal_data",
            ),
            path(
                "<id:pk>/anonymise/",
                self.admin_site.admin_view(self.anonymise_view),
                name="enrollment_applicant_anonymise",
            ),
            *super().get_urls(),
        ]

    def personal_data_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Everything held on the person, as JSON, for their request."""
        if not request.user.has_perm("enrollment.export_personal_data"):
            raise PermissionDenied
        applicant = get_object_or_404(Applicant, pk=pk)
        body = json.dumps(
            privacy.personal_data(applicant), ensure_ascii=False, indent=2
        )
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            True, f"personal-data-{applicant.pk}.json"
        )
        response["Cache-Control"] = "no-store, private"
        self.log_change(request, applicant, gettext("Personal data exported"))
        return response

    def anonymise_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("enrollment.anonymise_applicant"):
            raise PermissionDenied
        applicant = get_object_or_404(Applicant, pk=pk)
        back = reverse("admin:enrollment_applicant_change", args=[pk])
        form = AnonymiseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            privacy.anonymise(
                applicant=applicant,
                actor=services.Actor.staff(request.user),
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, gettext("The person has been anonymised."))
            return HttpResponseRedirect(back)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Anonymise a person"),
            "applicant": applicant,
            "form": form,
            "back": back,
        }
        return TemplateResponse(
            request, "admin/enrollment/applicant/anonymise.html", context
        )

    def duplicates_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("enrollment.view_applicant"):
            raise PermissionDenied
        can_merge = request.user.has_perm("enrollment.merge_applicant")
        if request.method == "POST":
            if not can_merge:
                raise PermissionDenied
            form = MergeForm(request.POST)
            if form.is_valid():
                keep = get_object_or_404(Applicant, pk=form.cleaned_data["keep"])
                merge = get_object_or_404(Applicant, pk=form.cleaned_data["merge"])
                try:
                    services.merge_applicants(
                        keep=keep, merge=merge, actor=services.Actor.staff(request.user)
                    )
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                else:
                    messages.success(
                        request,
                        gettext("Records merged into %(name)s (#%(pk)s).")
                        % {"name": keep.full_name, "pk": keep.pk},
                    )
            return HttpResponseRedirect(
                reverse("admin:enrollment_applicant_duplicates")
            )
        pairs = selectors.duplicate_pairs()
        applications = {}
        for application in Application.objects.filter(
            applicant__in={p.first.pk for p in pairs} | {p.second.pk for p in pairs}
        ).select_related("cohort"):
            applications.setdefault(application.applicant_id, []).append(application)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Possible duplicates"),
            "pairs": [
                (
                    pair,
                    applications.get(pair.first.pk, []),
                    applications.get(pair.second.pk, []),
                )
                for pair in pairs
            ],
            "can_merge": can_merge,
        }
        return TemplateResponse(
            request, "admin/enrollment/applicant/duplicates.html", context
        )


# --- Cohorts, with their seats, queue and roster ------------------------------------------


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

    def get_urls(self):
        return [
            path(
                "<id:pk>/roster.xlsx",
                self.admin_site.admin_view(self.roster_view),
                name="programs_cohort_roster",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {
            **(extra_context or {}),
            "can_download_roster": may_see_personal_data(request.user),
        }
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def roster_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        from .exports import roster_xlsx_response

        cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=pk)
        if not (
            self.has_view_permission(request, cohort)
            and may_see_personal_data(request.user)
        ):
            raise PermissionDenied
        return roster_xlsx_response(cohort)


# --- Reference and records ---------------------------------------------------------------


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    """A version somebody accepted is never edited: add a new version instead."""

    list_display = ["title", "kind", "version", "is_required", "created_at"]
    list_filter = ["kind"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.records.exists():
            return ["kind", "version", "title", "body", "is_required"]
        return []

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.records.exists()


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    list_display = ["applicant", "text", "given_at", "ip_address", "withdrawn_at"]
    list_filter = ["text__kind"]
    list_select_related = ["applicant", "text"]
    readonly_fields = [
        "applicant",
        "application",
        "text",
        "given_at",
        "ip_address",
        "user_agent",
        "withdrawn_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):
    """The register of issued documents (ФИС ФРДО)."""

    list_display = [
        "registration_number",
        "document_kind",
        "learner",
        "issued_on",
        "blank_series",
        "blank_number",
    ]
    list_filter = ["document_kind", "issued_on"]
    search_fields = ["registration_number", "application__applicant__last_name"]
    list_select_related = ["application__applicant"]
    date_hierarchy = "issued_on"

    @admin.display(description=_("learner"))
    def learner(self, completion: Completion) -> str:
        return completion.application.applicant.full_name

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
