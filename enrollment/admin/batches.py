"""The contracts of a whole group, prepared by a task: asked for from the
group's page, followed on the batch's own page (which reloads itself while
the task runs), read-only otherwise."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_pages import ServiceRecordAdmin, service_form_page
from programs.models import Cohort

from .. import services
from ..forms.contracts import ContractBatchForm
from ..models import ContractBatch, CustomerDetails
from ..services import contract_batch


@admin.register(ContractBatch)
class ContractBatchAdmin(ServiceRecordAdmin):
    list_display = ["__str__", "requested_at", "state", "prepared", "total"]
    list_filter = ["state"]
    list_select_related = ["cohort"]
    fields = [
        "cohort",
        "send",
        "state",
        "total",
        "prepared",
        "people",
        "requested_by",
        "requested_at",
        "finished_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("people"))
    def people(self, batch: ContractBatch) -> str:
        if not batch.report:
            return (
                gettext("Nobody yet: the task is queued.") if batch.is_running else "—"
            )
        return format_html(
            '<ul class="batch-report">{}</ul>',
            format_html_join(
                "",
                '<li class="{}"><a href="{}">{}</a>: {}</li>',
                (
                    (
                        "ok" if row["ok"] else "refused",
                        reverse(
                            "admin:enrollment_application_change",
                            args=[row["application"]],
                        ),
                        row["name"],
                        row["text"],
                    )
                    for row in batch.report
                ),
            ),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "group/<id:cohort_id>/",
                view(self.request_view),
                name="enrollment_contractbatch_request",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        batch = self.get_object(request, object_id)
        extra = extra_context or {}
        # The page follows the task: it reloads itself until the batch is done.
        extra["refresh_seconds"] = 3 if batch is not None and batch.is_running else 0
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def request_view(self, request: HttpRequest, cohort_id: int) -> HttpResponse:
        if not request.user.has_perm("enrollment.add_contract"):
            raise PermissionDenied
        cohort = get_object_or_404(Cohort, pk=cohort_id)
        candidates = contract_batch.contract_candidates(cohort.pk)
        with_details = CustomerDetails.objects.filter(
            application__in=candidates
        ).count()
        return service_form_page(
            self,
            request,
            form=ContractBatchForm(request.POST if request.method == "POST" else None),
            run=lambda d: contract_batch.request_contract_batch(
                cohort_id=cohort.pk,
                actor=services.Actor.staff(request.user),
                send=d["send"],
            ),
            goto=lambda batch: reverse(
                "admin:enrollment_contractbatch_change", args=[batch.pk]
            ),
            done=gettext(
                "The contracts are being prepared in the background: this page "
                "shows how it goes."
            ),
            title=gettext("Contracts for the whole group: %(code)s")
            % {"code": cohort.code},
            subject=cohort,
            back=reverse("admin:programs_cohort_change", args=[cohort.pk]),
            submit_label=gettext("Prepare the contracts"),
            intro=gettext(
                "Need a contract and have none: %(total)s; of them, %(given)s gave "
                "their details on their page. Everyone's contract is prepared from "
                "what the application knows; whoever lacks a detail is listed with "
                "it, and the others are not held up."
            )
            % {"total": len(candidates), "given": with_details},
        )
