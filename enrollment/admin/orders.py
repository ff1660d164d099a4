"""Orders in the back office: drafted for a group from its candidates (each
shown with what keeps them out), signed or discarded on their own pages,
read-only otherwise."""

from __future__ import annotations

import contextlib
import datetime
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_pages import ServiceRecordAdmin, service_form_page
from core.numbers import parse_int
from programs.models import Cohort

from .. import services
from ..forms.contracts import SignedUploadForm
from ..forms.office import DocumentNumberingForm
from ..models import Application, ApplicationStatus, Order
from ..papers import paper_download
from ..services import orders as order_services
from ..services import readiness

S = ApplicationStatus
CANDIDATES = readiness.CANDIDATES
TITLES = {
    Order.Kind.ENROLMENT: _("Order of enrolment"),
    Order.Kind.EXPULSION: _("Order of expulsion"),
    Order.Kind.COMPLETION: _("Order of completion and issue of documents"),
}


class DraftOrderForm(DocumentNumberingForm):
    dated = forms.DateField(
        label=_("Date of the order"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ground = forms.ChoiceField(
        label=_("Ground"), choices=[("", "—"), *Order.Ground.choices], required=False
    )
    applications = forms.ModelMultipleChoiceField(
        label=_("People"),
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("Reason to list those not ready"),
        max_length=200,
        required=False,
        help_text=_(
            "Only for people whose checklist is not complete (documents, the "
            "offer's answer, the contract): for example, «the original diploma "
            "is brought on the first day». Each person's history keeps it."
        ),
    )
    field_order = ["dated", "ground", "applications", "reason"]

    def __init__(
        self,
        *args: Any,
        cohort: Cohort,
        kind: str,
        chosen: set[int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if kind == Order.Kind.EXPULSION:
            # Certificates of study, when those expelled are issued them.
            for name in ("blank_series", "first_blank_number", "qualification"):
                del self.fields[name]
            number = self.fields["first_registration_number"]
            number.required = False
            number.label = _("Registration number of the first certificate of study")
            number.help_text = _(
                "Fill in when those expelled are issued a certificate of study "
                "(справка об обучении); they are numbered in alphabetical order."
            )
        elif kind != Order.Kind.COMPLETION:
            for name in self.numbering_fields:
                del self.fields[name]
        field = self.fields["applications"]
        field.queryset = (
            Application.objects.filter(cohort=cohort, status__in=CANDIDATES[kind])
            .select_related("applicant", "stream", "cohort")
            .prefetch_related("documents", "contracts__payments")
            .order_by("applicant__last_name", "applicant__first_name")
        )
        on = self.initial["dated"]
        if self.is_bound:
            # Readiness as of the date typed, when it is a date.
            with contextlib.suppress(ValidationError):
                on = self.fields["dated"].clean(self.data.get("dated"))
        reasons = {a.pk: readiness.readiness(kind, a, on=on) for a in field.queryset}

        def label(application: Application) -> str:
            name = f"{application.applicant.full_name} ({application.stream.name})"
            why = reasons[application.pk]
            if not why.all:
                return name
            text = f"{name}: {'; '.join(why.all)}"
            if not why.hard:
                text += " — " + gettext("may be listed with a reason")
            return text

        field.label_from_instance = label  # type: ignore[attr-defined]
        field.initial = [
            pk
            for pk, why in reasons.items()
            if not why.all and (chosen is None or pk in chosen)
        ]
        if kind != Order.Kind.EXPULSION:
            del self.fields["ground"]
        else:
            del self.fields["reason"]


def order_page(order: Order) -> str:
    return reverse("admin:enrollment_order_change", args=[order.pk])


def default_date(kind: str, cohort: Cohort) -> datetime.date:
    """Today, within what an order of ``kind`` may be dated for ``cohort``."""
    today = timezone.localdate()
    if kind == Order.Kind.ENROLMENT:
        return min(today, cohort.starts_on)
    if kind == Order.Kind.COMPLETION:
        return max(min(today, cohort.ends_on), cohort.starts_on)
    return today


class ReplaceOrderForm(forms.Form):
    dated = forms.DateField(
        label=_("Date of the new order"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


@admin.register(Order)
class OrderAdmin(ServiceRecordAdmin):
    list_display = ["__str__", "cohort", "dated", "state", "people"]
    list_filter = ["state", "kind", "year"]
    list_select_related = ["cohort"]
    search_fields = ["cohort__code", "number"]
    fields = [
        "kind",
        "ground",
        "cohort",
        "dated",
        "state",
        "display_number",
        "listed",
        "paper",
        "created_at",
        "created_by",
        "signed_at",
        "signed_by",
        "replaces",
        "replacement",
    ]
    readonly_fields = fields

    @admin.display(description=_("people"))
    def people(self, order: Order) -> int:
        return order.lines.count()

    @admin.display(description=_("number"))
    def display_number(self, order: Order) -> str:
        return order.display_number or "—"

    @admin.display(description=_("replaced by"))
    def replacement(self, order: Order) -> str:
        new = Order.objects.filter(replaces=order).first()
        if new is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:enrollment_order_change", args=[new.pk]),
            new,
        )

    @admin.display(description=_("people"))
    def listed(self, order: Order) -> str:
        return format_html_join(
            "",
            '<div><a href="{}">{}</a></div>',
            (
                (
                    reverse(
                        "admin:enrollment_application_change",
                        args=[line.application_id],
                    ),
                    line.application.applicant.full_name
                    + (
                        f" — {gettext('listed despite')} {line.exception}"
                        if line.exception
                        else ""
                    ),
                )
                for line in order.lines.select_related("application__applicant")
            ),
        )

    @admin.display(description=_("order (PDF)"))
    def paper(self, order: Order) -> str:
        if not order.pdf:
            return gettext("Printed when signed.")
        url = reverse("admin:enrollment_order_file", args=[order.pk])
        links = [(url, gettext("Download"))]
        if order.signed_scan:
            links.append((f"{url}?signed=1", gettext("Signed scan")))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("draft/", view(self.draft_view), name="enrollment_order_draft"),
            path("<id:pk>/file/", view(self.file_view), name="enrollment_order_file"),
            path(
                "<id:pk>/step/<str:step>/",
                view(self.step_view),
                name="enrollment_order_step",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, object_id)
        extra = extra_context or {}
        if order is not None and order.state == Order.State.DRAFT:
            extra["steps"] = [
                ("sign", gettext("Sign and carry out")),
                ("discard", gettext("Discard the draft")),
            ]
        elif order is not None and order.state == Order.State.SIGNED:
            extra["steps"] = [
                *(
                    []
                    if order.signed_scan
                    else [("scan", gettext("Attach the signed scan"))]
                ),
                ("replace", gettext("Replace by a new order")),
            ]
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def file_view(self, request: HttpRequest, pk: int) -> FileResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        order = get_object_or_404(Order, pk=pk)
        if request.GET.get("signed"):
            return paper_download(order.signed_scan, attachment=True)
        return paper_download(order.pdf)

    def draft_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        cohort = get_object_or_404(Cohort, pk=parse_int(request.GET.get("cohort")) or 0)
        kind = request.GET.get("kind", Order.Kind.ENROLMENT)
        if kind not in CANDIDATES:
            raise PermissionDenied
        chosen = {
            pk
            for value in request.GET.getlist("application")
            if (pk := parse_int(value))
        }
        form = DraftOrderForm(
            request.POST if request.method == "POST" else None,
            cohort=cohort,
            kind=kind,
            chosen=chosen or None,
            initial={"dated": default_date(kind, cohort)},
        )
        return service_form_page(
            self,
            request,
            form=form,
            run=lambda data: order_services.draft_order(
                cohort_id=cohort.pk,
                kind=kind,
                applications=data["applications"],
                dated=data["dated"],
                actor=services.Actor.staff(request.user),
                ground=data.get("ground", ""),
                numbering=form.numbering(),
                reason=data.get("reason", ""),
            ),
            goto=order_page,
            done=gettext("The draft is ready: check it, then sign it."),
            title=f"{TITLES[kind]}: {cohort.code}",
            subject=cohort,
            back=reverse("admin:programs_cohort_change", args=[cohort.pk]),
            submit_label=gettext("Draft the order"),
            intro=gettext(
                "Everyone who can be listed is ticked; the others show what keeps them out."
            ),
        )

    def step_view(self, request: HttpRequest, pk: int, step: str) -> HttpResponse:
        order = get_object_or_404(Order, pk=pk)
        if not self.has_change_permission(request, order) or step not in (
            "sign",
            "discard",
            "scan",
            "replace",
        ):
            raise PermissionDenied
        actor = services.Actor.staff(request.user)
        if step == "replace":
            return self._replace(request, order, actor)
        form = forms.Form(request.POST if request.method == "POST" else None)
        if step == "scan":
            upload = SignedUploadForm(
                request.POST if request.method == "POST" else None,
                request.FILES if request.method == "POST" else None,
            )
            return service_form_page(
                self,
                request,
                form=upload,
                run=lambda d: order_services.attach_signed_scan(
                    order=order, upload=d["file"], actor=actor
                ),
                done=gettext("The signed scan is kept with the order."),
                title=gettext("Attach the signed scan"),
                subject=order,
                back=reverse("admin:enrollment_order_change", args=[order.pk]),
                submit_label=gettext("Attach the signed scan"),
            )
        if step == "sign":
            response = service_form_page(
                self,
                request,
                form=form,
                run=lambda d: order_services.sign_order(order=order, actor=actor),
                done=gettext("The order is signed; everyone listed has moved."),
                title=gettext("Sign and carry out"),
                subject=order,
                back=reverse("admin:enrollment_order_change", args=[order.pk]),
                submit_label=gettext("Sign and carry out"),
                intro=gettext(
                    "Everyone listed is checked again; the order gets its number and "
                    "every application moves at once, or nothing changes."
                ),
            )
            return response
        response = service_form_page(
            self,
            request,
            form=form,
            run=lambda d: order_services.discard_draft(order=order),
            done=gettext("The draft is discarded."),
            title=gettext("Discard the draft"),
            subject=order,
            back=reverse("admin:enrollment_order_change", args=[order.pk]),
            submit_label=gettext("Discard the draft"),
        )
        if response.status_code == 302:
            response["Location"] = reverse("admin:enrollment_order_changelist")
        return response

    def _replace(
        self, request: HttpRequest, order: Order, actor: services.Actor
    ) -> HttpResponse:
        form = ReplaceOrderForm(
            request.POST if request.method == "POST" else None,
            initial={"dated": timezone.localdate()},
        )
        return service_form_page(
            self,
            request,
            form=form,
            run=lambda d: order_services.draft_replacement(
                order=order, dated=d["dated"], actor=actor
            ),
            goto=order_page,
            done=gettext("The replacement is drafted: check it, then sign it."),
            title=gettext("Replace by a new order"),
            subject=order,
            back=reverse("admin:enrollment_order_change", args=[order.pk]),
            submit_label=gettext("Draft the replacement"),
            intro=gettext(
                "The new order lists the same people and moves nobody; once it is "
                "signed, this one is kept, marked replaced. To list someone else, "
                "draft a new order; to take someone out, an order of expulsion."
            ),
        )
