from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import (
    Centre,
    Cohort,
    Direction,
    FundingSource,
    LearnerCategory,
    Program,
    StreamDocument,
    Venue,
)


@admin.register(Direction)
class DirectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class StreamDocumentInline(admin.TabularInline):
    model = StreamDocument
    extra = 1
    fields = ["category", "kind"]


@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    """The funding streams and their rules, read by programs.eligibility."""

    list_display = [
        "name",
        "code",
        "payer",
        "requires_contract",
        "min_age",
        "max_age",
        "required_education",
        "position",
    ]
    list_editable = ["position"]
    search_fields = ["name", "code"]
    filter_horizontal = ["categories"]
    inlines = [StreamDocumentInline]
    fieldsets = [
        (None, {"fields": ["name", "code", "payer", "requires_contract", "position"]}),
        (
            _("Who may use it"),
            {
                "description": _(
                    "Ages count on the first day of the group. With categories "
                    "named, a person must belong to one of them (within its own "
                    "ages); without, anyone the program admits may."
                ),
                "fields": ["min_age", "max_age", "required_education", "categories"],
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The code names the stream in links, filters and the demo data.
        return ["code"] if obj is not None else []


@admin.register(LearnerCategory)
class LearnerCategoryAdmin(admin.ModelAdmin):
    """The categories are fixed; their own age limits are staff's to set."""

    list_display = ["__str__", "min_age", "max_age"]
    fields = ["code", "min_age", "max_age"]
    readonly_fields = ["code"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "address"]
    list_filter = ["kind"]
    search_fields = ["name", "address"]


class CohortInline(admin.TabularInline):
    """The program's groups at a glance; each is added and changed on its own
    page, where capacity and status go through the seat engine."""

    model = Cohort
    extra = 0
    can_delete = False
    show_change_link = True
    fields = [
        "code",
        "starts_on",
        "ends_on",
        "application_deadline",
        "capacity",
        "admission_mode",
        "status",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "direction",
        "kind",
        "study_form",
        "hours",
        "price",
        "is_published",
    ]
    list_filter = [
        "is_published",
        "direction",
        "kind",
        "study_form",
        "funding_sources",
        "categories",
    ]
    search_fields = ["title", "summary", "slug", "qualification"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["direction"]
    filter_horizontal = ["funding_sources", "categories"]
    list_select_related = ["direction"]
    inlines = [CohortInline]
    actions = ["publish", "unpublish"]
    # Publishing goes through the list's actions (set_programs_published).
    readonly_fields = ["is_published"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "direction", "kind", "is_published"]}),
        (
            _("Delivery"),
            {
                "fields": [
                    "study_form",
                    "uses_distance_learning",
                    "hours",
                    "qualification",
                ]
            },
        ),
        (_("Cost and funding"), {"fields": ["price", "funding_sources"]}),
        (_("Admission"), {"fields": ["min_age", "required_education", "categories"]}),
        (
            _("The federal register (ФИС ФРДО)"),
            {
                "fields": [
                    "profession",
                    "qualification_rank",
                    "professional_area",
                    "specialty_group",
                ]
            },
        ),
        (_("Description"), {"fields": ["summary", "description", "outcomes"]}),
    ]

    @admin.action(
        description=_("Publish the selected programs"), permissions=["change"]
    )
    def publish(self, request: HttpRequest, queryset: QuerySet[Program]) -> None:
        self._set_published(request, queryset, published=True)

    @admin.action(
        description=_("Unpublish the selected programs"), permissions=["change"]
    )
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Program]) -> None:
        self._set_published(request, queryset, published=False)

    def _set_published(
        self, request: HttpRequest, queryset, *, published: bool
    ) -> None:
        changed = services.set_programs_published(
            programs=queryset, published=published
        )
        message = _("Published") if published else _("Unpublished")
        for program in changed:
            self.log_change(request, program, str(message))
        self.message_user(
            request,
            ngettext(
                "%(count)d program changed, %(same)d already in that state.",
                "%(count)d programs changed, %(same)d already in that state.",
                len(changed),
            )
            % {"count": len(changed), "same": queryset.count() - len(changed)},
            messages.SUCCESS,
        )


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "program",
        "starts_on",
        "ends_on",
        "application_deadline",
        "capacity",
        "admission_mode",
        "status",
    ]
    list_filter = ["status", "admission_mode", "program__direction", "venue"]
    search_fields = ["code", "program__title"]
    autocomplete_fields = ["program", "venue"]
    date_hierarchy = "starts_on"
    list_select_related = ["program"]


class CentreForm(forms.ModelForm):
    """The centre's details, checked with the identifier rules before saving."""

    class Meta:
        model = Centre
        exclude: list[str] = []

    def _post_clean(self) -> None:
        super()._post_clean()
        if not self.errors:
            try:
                services.check_centre(self.instance)
            except ValidationError as error:
                self._update_errors(error)


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    """One row: the provider of every contract, the issuer of every order. Saved
    through update_centre (checked, with who changed what in its history)."""

    form = CentreForm
    fieldsets = [
        (
            _("The organisation"),
            {"fields": ["full_name", "short_name", "address", "phone", "email"]},
        ),
        (_("Numbers"), {"fields": ["inn", "kpp", "ogrn"]}),
        (
            _("Bank details"),
            {
                "fields": [
                    "bank_name",
                    "bik",
                    "account",
                    "correspondent_account",
                    "treasury_details",
                ]
            },
        ),
        (
            _("Licence"),
            {"fields": ["licence_number", "licence_date", "licence_issuer"]},
        ),
        (
            _("Who signs"),
            {
                "fields": [
                    "signatory_last_name",
                    "signatory_first_name",
                    "signatory_patronymic",
                    "signatory_sex",
                    "signatory_position",
                    "signatory_position_genitive",
                    "signatory_authority",
                ]
            },
        ),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not Centre.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        saved = services.update_centre(user=request.user, changes=changes)
        obj.pk = saved.pk
