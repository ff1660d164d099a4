"""Applications: the list, the work page, the actions and the exports."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR, ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from core.admin_history import ReadableHistoryAdmin
from core.admin_pages import admin_page, service_form_page
from core.exports import start_export
from programs.models import Cohort

from .. import previews, selectors, services
from ..forms import (
    ChangeStreamForm,
    DocumentReviewForm,
    DuplicateForm,
    EmploymentForm,
    add_errors,
)
from ..models import (
    ACTIVE_STATUSES,
    LIVE_CONTRACT_STATES,
    Application,
    ApplicationStatus,
    Completion,
    Document,
    Employment,
)
from ..services.contract_terms import CONTRACT_STATUSES
from ..worksheet import QUEUE_KEYS, queue_filter, queue_label, worksheet
from .actions import (
    STAFF_ACTIONS,
    bulk_action_for,
    order_draft_redirect,
    report,
    run_staff_action,
)
from .exports import EXPORT_PERMISSIONS, export_applications, listed_applications
from .inlines import (
    CompletionInline,
    ConsentInline,
    DocumentInline,
    EmploymentInline,
    NoteInline,
    StatusChangeInline,
)
from .listing import ApplicationPaginator

S = ApplicationStatus


# Staff actions the work screen's button takes at once, with no page to
# confirm them: each only moves the application on and can be undone.
AT_ONCE = ("take_into_review", "start_studies")


class QueueFilter(admin.SimpleListFilter):
    """The day's queues of work (the back office's home lists them)."""

    title = _("work for today")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [(key, queue_label(key)) for key in QUEUE_KEYS]

    def queryset(self, request, queryset):
        if self.value() in QUEUE_KEYS:
            return queryset.filter(queue_filter(self.value()))
        return queryset


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
class ApplicationAdmin(ReadableHistoryAdmin):
    list_display = [
        "applicant_name",
        "cohort_column",
        "stream",
        "status",
        "submitted",
        "papers",
    ]
    list_filter = [
        QueueFilter,
        "status",
        "cohort__program__direction",
        "cohort__program",
        ("cohort", CohortListFilter),
        "stream",
        "applicant__categories",
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
        "stream",
        "accepts_other_streams",
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
    actions = [bulk_action_for(name) for name in STAFF_ACTIONS]
    change_form_template = "admin/enrollment/application/change_form.html"
    change_list_template = "admin/enrollment/application/change_list.html"
    history_list_display = ["status"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Application]:
        return (
            super()
            .get_queryset(request)
            .select_related("applicant", "cohort", "cohort__program", "stream")
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

    def get_paginator(
        self, request, queryset, per_page, orphans=0, allow_empty_first_page=True
    ) -> ApplicationPaginator:
        """The whole table's size is estimated, a search counts up to a limit
        (see .listing): the list never reads a million rows to count them."""
        return ApplicationPaginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            searched=bool(request.GET.get(SEARCH_VAR, "").strip()),
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("applicant"), ordering="applicant__last_name")
    def applicant_name(self, application: Application) -> str:
        return application.applicant.full_name

    @admin.display(description=_("group and program"), ordering="cohort__code")
    def cohort_column(self, application: Application) -> str:
        return format_html(
            '{}<div class="list-quiet">{}</div>',
            application.cohort.code,
            application.cohort.program.title,
        )

    @admin.display(description=_("submitted"), ordering="submitted_at")
    def submitted(self, application: Application) -> str:
        return date_format(timezone.localtime(application.submitted_at), "d.m.Y")

    @admin.display(description=_("papers"))
    def papers(self, application: Application) -> str:
        """The documents in words, and a warning for a possible duplicate."""
        badges = [
            (
                ("badge-ok", gettext("all documents"))
                if application.documents_complete
                else ("badge-warn", gettext("documents missing"))
            )
        ]
        if application.possible_duplicate:
            badges.append(("badge-warn", gettext("possible duplicate")))
        return format_html_join(" ", '<span class="list-badge {}">{}</span>', badges)

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

    def get_inline_instances(self, request, obj=None):
        """What came of the studies shows once there is something to show."""
        inlines = super().get_inline_instances(request, obj)
        if obj is None:
            return inlines
        empty = set()
        if not Completion.objects.filter(application=obj).exists():
            empty.add(CompletionInline)
        if not Employment.objects.filter(application=obj).exists():
            empty.add(EmploymentInline)
        if not obj.notes.exists():
            empty.add(NoteInline)
        if not obj.documents.exists():
            empty.add(DocumentInline)
        return [i for i in inlines if type(i) not in empty]

    def get_urls(self):
        urls = [
            path(
                "<id:pk>/note/",
                self.admin_site.admin_view(self.note_view),
                name="enrollment_application_note",
            ),
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
                "<id:pk>/duplicate/",
                self.admin_site.admin_view(self.duplicate_view),
                name="enrollment_application_duplicate",
            ),
            path(
                "<id:pk>/stream/",
                self.admin_site.admin_view(self.stream_view),
                name="enrollment_application_stream",
            ),
            path(
                "export/<str:fmt>/",
                self.admin_site.admin_view(self.export_view),
                name="enrollment_application_export",
            ),
        ]
        return urls + super().get_urls()

    def export_view(self, request: HttpRequest, fmt: str) -> HttpResponse:
        """The changelist as filtered and searched, as CSV or XLSX: at once
        when it is small, in the background (My exports) when it is large."""
        from ..exports import csv_response, xlsx_response

        if fmt not in ("csv", "xlsx") or not request.user.has_perms(EXPORT_PERMISSIONS):
            raise PermissionDenied
        try:
            queryset = listed_applications(request)
        except IncorrectLookupParameters:
            # What the list itself does with a filter it cannot apply.
            return HttpResponseRedirect(
                reverse("admin:enrollment_application_changelist") + "?e=1"
            )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        filename = f"applications-{stamp}.{fmt}"
        rows = queryset.count()
        if rows > settings.EXPORT_IN_BACKGROUND_ROWS:
            with transaction.atomic():
                export = start_export(
                    owner=request.user,
                    title=gettext("Applications, %(rows)s rows (%(format)s)")
                    % {"rows": rows, "format": fmt.upper()},
                    filename=filename,
                    permissions=EXPORT_PERMISSIONS,
                )
                export_applications.enqueue(
                    export_id=export.pk,
                    owner_id=request.user.pk,
                    fmt=fmt,
                    query=request.GET.urlencode(),
                    language=get_language() or settings.LANGUAGE_CODE,
                )
            messages.info(
                request,
                gettext(
                    "The export is large: it is being made in the background. "
                    "Download it here when it is ready."
                ),
            )
            return HttpResponseRedirect(reverse("staff:exports"))
        if fmt == "csv":
            return csv_response(queryset, filename=filename)
        return xlsx_response(
            queryset, filename=filename, sheet_title=gettext("Applications")
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self.get_object(request, object_id)
        extra = extra_context or {}
        if application is not None:
            sheet = worksheet(application)
            step = sheet.next_step
            extra["worksheet"] = sheet
            extra["next_url"] = self._next_url(application, sheet)
            # A step that asks nothing more is taken in one click.
            extra["next_at_once"] = step.action in AT_ONCE
            extra["staff_actions"] = [
                (name, action.label)
                for name, action in STAFF_ACTIONS.items()
                if (
                    action.from_statuses is None
                    or application.status in action.from_statuses
                )
                and name != step.action
            ]
            extra["note_form"] = self.has_change_permission(request, application)
            # The record is changed through its steps: no save buttons.
            extra.update(
                show_save=False,
                show_save_and_continue=False,
                show_save_and_add_another=False,
                show_delete=False,
            )
            extra["can_issue_duplicate"] = Completion.objects.filter(
                application=application
            ).exists() and self.has_change_permission(request, application)
            extra["can_change_stream"] = (
                application.status in ACTIVE_STATUSES
                and self.has_change_permission(request, application)
            )
            extra["contract"] = application.contracts.filter(
                state__in=LIVE_CONTRACT_STATES
            ).first()
            extra["can_prepare_contract"] = (
                application.stream.requires_contract
                and application.status in CONTRACT_STATUSES
                and request.user.has_perm("enrollment.add_contract")
            )
            extra["can_record_employment"] = application.status in (
                S.STUDYING,
                S.COMPLETED,
                S.EXPELLED,
            )
        return super().change_view(request, object_id, form_url, extra_context=extra)

    @staticmethod
    def _next_url(application: Application, sheet) -> str:
        step = sheet.next_step
        if step.action:
            return reverse(
                "admin:enrollment_application_act", args=[application.pk, step.action]
            )
        if step.document is not None:
            return reverse(
                "admin:enrollment_application_review_document",
                args=[application.pk, step.document.pk],
            )
        if step.page == "admin:enrollment_contract_change" and sheet.contract:
            return reverse(step.page, args=[sheet.contract.pk])
        if step.page:
            return reverse(step.page, args=[application.pk])
        return ""

    def note_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """An internal note, added from the work screen."""
        application = self._application_or_404(request, pk)
        back = reverse("admin:enrollment_application_change", args=[pk])
        if request.method == "POST":
            try:
                services.add_note(
                    application=application,
                    author=request.user,
                    text=request.POST.get("text", ""),
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, gettext("The note is added."))
        return HttpResponseRedirect(back)

    def action_page(
        self, request, name, applications, form, *, single=None
    ) -> TemplateResponse:
        return admin_page(
            self,
            request,
            "admin/enrollment/application/action.html",
            title=STAFF_ACTIONS[name].label,
            action_name=name,
            applications=applications,
            form=form,
            single=single,
            action_checkbox_name=admin.helpers.ACTION_CHECKBOX_NAME,
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
        if action.order_kind:
            opened = order_draft_redirect(request, action.order_kind, [application])
            return opened or HttpResponseRedirect(back)
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
        return admin_page(
            self,
            request,
            "admin/enrollment/application/simple_form.html",
            title=gettext("Check the document"),
            application=application,
            document=document,
            download=reverse("staff:staff_document", args=[document.pk]),
            pages=self._preview_pages(document),
            form=form,
            back=back,
        )

    @staticmethod
    def _preview_pages(document: Document) -> list[str] | None:
        """The addresses of the document's pages as pictures; None when the
        file cannot be shown (it can still be downloaded)."""
        if not document.file:
            return None
        try:
            count = previews.page_count(document)
        except previews.NoPreview:
            return None
        return [
            reverse("staff:staff_document_page", args=[document.pk, page])
            for page in range(count)
        ]

    def duplicate_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = self._application_or_404(request, pk)
        completion = get_object_or_404(Completion, application=application)
        form = DuplicateForm(request.POST or None)
        return service_form_page(
            self,
            request,
            form=form,
            run=lambda data: services.issue_duplicate(
                completion=completion,
                actor=services.Actor.staff(request.user),
                document=form.issued_document(),
                loss=data["loss"],
                exchange=data["exchange"],
                original_destroyed=data["original_destroyed"],
            ),
            done=gettext("The duplicate is recorded; it goes to the register."),
            title=gettext("Issue a duplicate"),
            subject=application,
            back=reverse("admin:enrollment_application_change", args=[pk]),
            original=application,
            intro=gettext(
                "Of %(document)s, issued on %(date)s. The register reports it with "
                "the original's particulars."
            )
            % {
                "document": completion,
                "date": completion.issued_on.strftime("%d.%m.%Y"),
            },
        )

    def stream_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = self._application_or_404(request, pk)
        form = ChangeStreamForm(request.POST or None, application=application)
        return service_form_page(
            self,
            request,
            form=form,
            run=lambda data: services.change_stream(
                application=application,
                stream=data["stream"],
                actor=services.Actor.staff(request.user),
                reason=data["reason"],
            ),
            done=gettext("The funding stream is changed."),
            title=gettext("Change the funding stream"),
            subject=application,
            back=reverse("admin:enrollment_application_change", args=[pk]),
            original=application,
            intro=gettext(
                "The applicant's eligibility for the new stream is checked again; "
                "a seat held moves only to a stream with a free seat, and the seat "
                "left goes to the next person waiting."
            ),
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
        return admin_page(
            self,
            request,
            "admin/enrollment/application/simple_form.html",
            title=gettext("Employment after training"),
            application=application,
            form=form,
            back=back,
        )
