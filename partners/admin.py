import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin_pages import admin_page, service_form_page
from core.forms import DateField
from core.numbers import parse_int

from . import selectors
from .importing import MAX_ROWS, check_rows, import_partners, read_rows
from .models import Agreement, Amendment, Commitment, Contact, Partner
from .services import (
    EXPIRY_THRESHOLDS,
    add_amendment,
    check_editable,
    sign_agreement,
    terminate_agreement,
)

SESSION_KEY = "partners_import_rows"


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 1


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "The first row names the columns: ИНН, КПП, ОГРН, полное наименование, "
            "краткое наименование, отрасль, адрес, сайт, вид (ЮЛ or ИП)."
        ),
    )


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["short_name", "kind", "inn", "industry", "is_public"]
    list_filter = ["kind", "is_public", "industry"]
    search_fields = ["short_name", "full_name", "inn", "ogrn"]
    filter_horizontal = ["programs"]
    inlines = [ContactInline]
    change_list_template = "admin/partners/partner/change_list.html"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["kind", "full_name", "short_name", "industry"]}),
        (_("Registration numbers"), {"fields": ["inn", "kpp", "ogrn"]}),
        (
            _("On the site"),
            {"fields": ["is_public", "logo", "website", "description", "programs"]},
        ),
        (_("Address"), {"fields": ["address"]}),
    ]

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="partners_partner_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload, preview with every row's errors, then save the valid rows."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            preview = request.session.pop(SESSION_KEY, None)
            if not isinstance(preview, dict) or not preview.get("rows"):
                messages.error(request, gettext("Upload the file again, please."))
                return HttpResponseRedirect(reverse("admin:partners_partner_import"))
            created, refused = import_partners(preview["rows"])
            for partner in created:
                self.log_addition(request, partner, gettext("Imported"))
            # The rows the preview refused are left out too, not only those
            # refused now.
            messages.success(
                request,
                gettext("Partners added: %(created)s; rows left out: %(refused)s.")
                % {
                    "created": len(created),
                    "refused": len(refused) + preview.get("refused", 0),
                },
            )
            return HttpResponseRedirect(reverse("admin:partners_partner_changelist"))
        form = ImportForm(request.POST or None, request.FILES or None)
        checked = None
        if request.method == "POST" and form.is_valid():
            try:
                rows = read_rows(form.cleaned_data["file"])
            except ValidationError as error:
                form.add_error("file", error)
            else:
                checked = check_rows(rows)
                request.session[SESSION_KEY] = {
                    "rows": [r.data for r in checked if r.is_valid],
                    "refused": sum(not r.is_valid for r in checked),
                }
        return admin_page(
            self,
            request,
            "admin/partners/partner/import.html",
            title=gettext("Import partners"),
            form=form,
            rows=checked,
            valid_count=sum(r.is_valid for r in checked or []),
            max_rows=MAX_ROWS,
        )


# --- Agreements ----------------------------------------------------------------------


class AmendmentInline(admin.TabularInline):
    model = Amendment
    extra = 0
    can_delete = False
    fields = ["number", "signed_on", "text", "scan_link"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("scan"))
    def scan_link(self, amendment: Amendment) -> str:
        if not amendment.scan:
            return "—"
        url = reverse("admin:partners_agreement_scan", args=[amendment.agreement_id])
        return format_html(
            '<a href="{}?amendment={}">{}</a>', url, amendment.pk, gettext("download")
        )


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 0
    fields = [
        "kind",
        "planned",
        "counted",
        "actual",
        "description",
        "cohort",
        "release_on",
    ]
    autocomplete_fields = ["cohort"]

    def get_readonly_fields(self, request, obj=None):
        # After signing, only what actually happened is recorded.
        if obj is not None and obj.is_signed:
            return ["kind", "planned", "counted", "description", "cohort", "release_on"]
        return ["counted"]

    @admin.display(description=_("counted by the portal"))
    def counted(self, commitment: Commitment) -> str:
        value = selectors.commitment_actual(commitment) if commitment.pk else None
        return "—" if value is None else str(value)

    def has_add_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.is_signed

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.is_signed


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Agreement.Status.choices

    def queryset(self, request, queryset):
        if self.value() in Agreement.Status.values:
            return queryset.with_status().filter(status=self.value())
        return queryset


class ExpiringFilter(admin.SimpleListFilter):
    title = _("expiring")
    parameter_name = "expiring"

    def lookups(self, request, model_admin):
        return [
            (str(days), _("within %(days)s days") % {"days": days})
            for days in (30, 60, 90)
        ]

    def queryset(self, request, queryset):
        if self.value() in ("30", "60", "90"):
            return queryset.expiring_within(int(self.value()))
        return queryset


class SignForm(forms.Form):
    signed_on = DateField(
        label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class TerminateForm(forms.Form):
    terminated_on = DateField(
        label=_("Terminated on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AmendForm(forms.Form):
    signed_on = DateField(
        label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}))
    scan = forms.FileField(label=_("Scan"), required=False)


EXPIRY_WARNING_DAYS = max(EXPIRY_THRESHOLDS)


def agreement_state(
    agreement: Agreement, today: datetime.date | None = None
) -> tuple[str, str]:
    """The agreement's state in words for the top of its page, and its style:
    active, expiring within EXPIRY_WARNING_DAYS, draft, expired, terminated."""
    today = today or timezone.localdate()
    status = agreement.status_on(today)
    if status == Agreement.Status.TERMINATED:
        return "terminated", gettext("Terminated on %(date)s.") % {
            "date": date_format(agreement.terminated_on)
        }
    if status == Agreement.Status.DRAFT:
        return "draft", gettext("A draft: not signed yet.")
    if status == Agreement.Status.EXPIRED:
        return "expired", gettext("Expired on %(date)s.") % {
            "date": date_format(agreement.valid_until)
        }
    if agreement.valid_until is None:
        return "active", gettext("In force, with no end date.")
    days = (agreement.valid_until - today).days
    text = gettext("In force until %(date)s.") % {
        "date": date_format(agreement.valid_until)
    }
    if days <= EXPIRY_WARNING_DAYS:
        return "expiring", text + " " + ngettext(
            "It expires in %(days)s day: extend it or let the partner know.",
            "It expires in %(days)s days: extend it or let the partner know.",
            days,
        ) % {"days": days}
    return "active", text


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["number", "partner", "kind", "signed_on", "valid_until", "status"]
    list_filter = [StatusFilter, ExpiringFilter, "kind"]
    search_fields = ["number", "partner__short_name", "partner__inn", "subject"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    filter_horizontal = ["programs", "cohorts"]
    inlines = [CommitmentInline, AmendmentInline]
    change_form_template = "admin/partners/agreement/change_form.html"
    fields = [
        "partner",
        "kind",
        "number",
        "subject",
        "valid_from",
        "valid_until",
        "scan",
        "programs",
        "cohorts",
        "responsible",
        "signed_on",
        "terminated_on",
        "termination_reason",
    ]

    @admin.display(description=_("status"))
    def status(self, agreement: Agreement) -> str:
        return agreement.get_status_display()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        agreement = self.get_object(request, object_id)
        extra = extra_context or {}
        if agreement is not None:
            extra["agreement_state"] = agreement_state(agreement)
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_signed:
            return self.fields  # signed: amended or terminated, never edited
        return ["signed_on", "terminated_on", "termination_reason"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or not obj.is_signed
        )

    def save_model(self, request, obj, form, change) -> None:
        check_editable(obj)
        super().save_model(request, obj, form, change)

    def get_urls(self):
        def view(name, function):
            return path(
                f"<id:pk>/{name}/",
                self.admin_site.admin_view(function),
                name=f"partners_agreement_{name}",
            )

        return [
            view("sign", self.sign_view),
            view("terminate", self.terminate_view),
            view("amend", self.amend_view),
            view("scan", self.scan_view),
            *super().get_urls(),
        ]

    def _agreement(self, request, pk: int) -> Agreement:
        agreement = get_object_or_404(Agreement, pk=pk)
        if not self.has_change_permission(request, agreement):
            raise PermissionDenied
        return agreement

    def _form_view(self, request, pk, form_class, run, title, done) -> HttpResponse:
        agreement = self._agreement(request, pk)
        return service_form_page(
            self,
            request,
            form=form_class(request.POST or None, request.FILES or None),
            run=lambda data: run(agreement, data),
            done=done,
            title=title,
            subject=agreement,
            back=reverse("admin:partners_agreement_change", args=[pk]),
        )

    def sign_view(self, request, pk: int) -> HttpResponse:
        return self._form_view(
            request,
            pk,
            SignForm,
            lambda a, data: sign_agreement(agreement=a, signed_on=data["signed_on"]),
            gettext("Sign the agreement"),
            gettext("The agreement is signed."),
        )

    def terminate_view(self, request, pk: int) -> HttpResponse:
        return self._form_view(
            request,
            pk,
            TerminateForm,
            lambda a, data: terminate_agreement(
                agreement=a, terminated_on=data["terminated_on"], reason=data["reason"]
            ),
            gettext("Terminate the agreement"),
            gettext("The agreement is terminated."),
        )

    def amend_view(self, request, pk: int) -> HttpResponse:
        return self._form_view(
            request,
            pk,
            AmendForm,
            lambda a, data: add_amendment(
                agreement=a,
                signed_on=data["signed_on"],
                text=data["text"],
                scan=data["scan"],
            ),
            gettext("Add an amendment"),
            gettext("The amendment is added."),
        )

    def scan_view(self, request, pk: int) -> FileResponse:
        agreement = get_object_or_404(Agreement, pk=pk)
        if not self.has_view_permission(request, agreement):
            raise PermissionDenied
        document = agreement
        if "amendment" in request.GET:
            amendment = parse_int(request.GET["amendment"], minimum=1)
            if amendment is None:
                raise Http404
            document = get_object_or_404(Amendment, pk=amendment, agreement=agreement)
        if not document.scan:
            raise Http404
        response = FileResponse(
            document.scan.open("rb"), as_attachment=True, filename=f"{document}.pdf"
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store, private"
        return response
