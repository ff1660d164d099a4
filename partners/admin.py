from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .importing import MAX_ROWS, check_rows, import_partners, read_rows
from .models import Contact, Partner

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
            rows = request.session.pop(SESSION_KEY, None)
            if not rows:
                messages.error(request, gettext("Upload the file again, please."))
                return HttpResponseRedirect(reverse("admin:partners_partner_import"))
            created, refused = import_partners(rows)
            for partner in created:
                self.log_addition(request, partner, gettext("Imported"))
            messages.success(
                request,
                gettext("Partners added: %(created)s; rows left out: %(refused)s.")
                % {"created": len(created), "refused": len(refused)},
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
                request.session[SESSION_KEY] = [r.data for r in checked if r.is_valid]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import partners"),
            "form": form,
            "rows": checked,
            "valid_count": sum(r.is_valid for r in checked or []),
            "max_rows": MAX_ROWS,
        }
        return TemplateResponse(request, "admin/partners/partner/import.html", context)
