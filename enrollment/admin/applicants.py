"""Applicants: their records, corrections, duplicates, personal data."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext

from core.admin_history import ReadableHistoryAdmin
from core.admin_pages import admin_page, service_form_page

from .. import selectors, services
from ..forms import (
    AnonymiseForm,
    ApplicantCorrectionForm,
    MergeForm,
)
from ..models import (
    Applicant,
    Application,
    ApplicationStatus,
)
from ..services import privacy
from ..services.people import CORRECTABLE

S = ApplicationStatus


@admin.register(Applicant)
class ApplicantAdmin(ReadableHistoryAdmin):
    list_display = ["__str__", "birth_date", "email", "phone", "municipality"]
    search_fields = ["last_name", "first_name", "patronymic", "email", "phone", "snils"]
    # Every field is read-only here: corrections go through correct_applicant
    # (the "Correct the data" page), which checks them as the public form does
    # and refreshes the keys the applications carry.
    readonly_fields = [
        *CORRECTABLE,
        "categories",
        "created_at",
        "updated_at",
        "anonymised_at",
    ]
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
            path(
                "<id:pk>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="enrollment_applicant_correct",
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

    def correct_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Correct a person's data through correct_applicant."""
        applicant = get_object_or_404(Applicant, pk=pk)
        if not self.has_change_permission(request, applicant):
            raise PermissionDenied
        form = ApplicantCorrectionForm(request.POST or None, instance=applicant)
        return service_form_page(
            self,
            request,
            form=form,
            run=lambda data: services.correct_applicant(
                applicant=applicant,
                actor=services.Actor.staff(request.user),
                changes={n: data[n] for n in form.changed_data if n in CORRECTABLE},
                reason=data["correction_reason"],
            ),
            done=gettext("The data are corrected."),
            title=gettext("Correct the data"),
            subject=applicant.full_name,
            back=reverse("admin:enrollment_applicant_change", args=[pk]),
            intro=gettext(
                "The data are checked as on the public form; the applications take "
                "the new e-mail, СНИЛС, name and date of birth."
            ),
        )

    def anonymise_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("enrollment.anonymise_applicant"):
            raise PermissionDenied
        applicant = get_object_or_404(Applicant, pk=pk)
        return service_form_page(
            self,
            request,
            form=AnonymiseForm(request.POST or None),
            run=lambda data: privacy.anonymise(
                applicant=applicant,
                actor=services.Actor.staff(request.user),
                reason=data["reason"],
            ),
            done=gettext("The person has been anonymised."),
            title=gettext("Anonymise a person"),
            subject=applicant.full_name,
            back=reverse("admin:enrollment_applicant_change", args=[pk]),
            intro=gettext(
                "Names, contacts, СНИЛС, the representative, uploaded files, staff "
                "notes and the addresses consents came from will be removed for "
                "%(name)s, here and in the change history. Applications, statuses "
                "and dates stay for the reports. A person with an issued document "
                "keeps ФИО, date of birth and СНИЛС for the federal register."
            )
            % {"name": applicant.full_name},
            submit_label=gettext("Anonymise"),
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
        return admin_page(
            self,
            request,
            "admin/enrollment/applicant/duplicates.html",
            title=gettext("Possible duplicates"),
            pairs=[
                (
                    pair,
                    applications.get(pair.first.pk, []),
                    applications.get(pair.second.pk, []),
                )
                for pair in pairs
            ],
            can_merge=can_merge,
        )
