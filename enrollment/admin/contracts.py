"""Contracts in the back office: read-only records, every step a page that
calls one service, the papers downloaded only with the permission to view
contracts."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_pages import ServiceRecordAdmin, service_form_page
from core.russian import money

from .. import selectors, services
from ..forms.contracts import (
    CancelContractForm,
    ContractForm,
    PaymentForm,
    RefundForm,
    SignedCheckForm,
    SignedUploadForm,
)
from ..models import Application, Contract, ContractKind, ContractState, Invoice
from ..papers import contract_download, paper_download
from ..services import contract_terms
from ..services import contracts as contract_services
from ..services import payments as payment_services
from ..services.contract_batch import party_for
from ..services.payments import PAYABLE_STATES

State = ContractState


@admin.register(Contract)
class ContractAdmin(ServiceRecordAdmin):
    list_display = [
        "display_number",
        "applicant",
        "cohort",
        "state",
        "price",
        "created_at",
    ]
    list_filter = ["state", "kind", "year"]
    list_select_related = ["application__applicant", "application__cohort"]
    search_fields = [
        "application__applicant__last_name",
        "number",
        "application__cohort__code",
    ]
    search_help_text = _("Search by last name, contract number or group code.")
    fields = [
        "display_number",
        "application",
        "kind",
        "state",
        "price",
        "schedule",
        "papers",
        "payments",
        "created_at",
        "created_by",
        "sent_at",
        "signed_uploaded_at",
        "checked_at",
        "checked_by",
        "replaces",
        "reason",
        "sha256",
    ]
    readonly_fields = fields

    @admin.display(description=_("number"), ordering="number")
    def display_number(self, contract: Contract) -> str:
        return contract.display_number

    @admin.display(description=_("applicant"))
    def applicant(self, contract: Contract) -> str:
        return contract.application.applicant.full_name

    @admin.display(description=_("group"))
    def cohort(self, contract: Contract) -> str:
        return contract.application.cohort.code

    @admin.display(description=_("payments"))
    def schedule(self, contract: Contract) -> str:
        parts = contract.particulars.get("schedule", [])
        if not parts:
            return gettext("No payment: the budget pays.")
        return format_html_join(
            "", "<div>{} — {}</div>", ((p["due_text"], p["amount_text"]) for p in parts)
        )

    @admin.display(description=_("paid"))
    def payments(self, contract: Contract) -> str:
        status = selectors.payment_status(contract, timezone.localdate())
        rows = format_html_join(
            "",
            "<div>{} {} — {} ({})</div>",
            (
                (
                    p.paid_on.strftime("%d.%m.%Y"),
                    p.get_kind_display(),
                    money(p.amount),
                    p.document,
                )
                for p in contract.payments.all()
            ),
        )
        return format_html(
            "<strong>{}</strong>: {} / {}{}",
            selectors.PAYMENT_STATE_LABELS[status.state],
            money(status.paid),
            money(contract.price),
            rows,
        )

    @admin.display(description=_("papers"))
    def papers(self, contract: Contract) -> str:
        links = [
            (
                reverse("admin:enrollment_contract_file", args=[contract.pk, "pdf"]),
                gettext("Contract (PDF)"),
            )
        ]
        if contract.signed_scan:
            links.append(
                (
                    reverse(
                        "admin:enrollment_contract_file", args=[contract.pk, "signed"]
                    ),
                    gettext("Signed copy"),
                )
            )
        for invoice in contract.invoices.filter(cancelled_at__isnull=True):
            links.append(
                (
                    reverse("admin:enrollment_contract_invoice", args=[invoice.pk]),
                    gettext("Invoice № %(number)s")
                    % {"number": invoice.display_number},
                )
            )
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "prepare/<id:application_id>/",
                view(self.prepare_view),
                name="enrollment_contract_prepare",
            ),
            path(
                "invoices/<id:pk>/",
                view(self.invoice_view),
                name="enrollment_contract_invoice",
            ),
            path(
                "<id:pk>/file/<str:which>/",
                view(self.file_view),
                name="enrollment_contract_file",
            ),
            path(
                "<id:pk>/step/<str:step>/",
                view(self.step_view),
                name="enrollment_contract_step",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        contract = self.get_object(request, object_id)
        extra = extra_context or {}
        if contract is not None and self.has_change_permission(request, contract):
            extra["steps"] = self.steps(contract)
        return super().change_view(request, object_id, form_url, extra_context=extra)

    @staticmethod
    def steps(contract: Contract) -> list[tuple[str, str]]:
        """The steps its state allows, as (step, label)."""
        steps = {
            State.PREPARED: [("send", _("Send to the applicant"))],
            State.SENT: [("signed", _("Upload the signed copy"))],
            State.SIGNED: [("check", _("Check the signed copy"))],
        }.get(contract.state, [])
        if contract.state in PAYABLE_STATES and contract.price > 0:
            steps += [
                ("invoices", _("Issue invoices")),
                ("payment", _("Record a payment")),
                ("refund", _("Record a refund")),
            ]
        if contract.is_live:
            steps += [
                ("correct", _("Correct (new version)")),
                ("cancel", _("Cancel the contract")),
            ]
        return [(name, str(label)) for name, label in steps]

    def _contract(self, request: HttpRequest, pk: int) -> Contract:
        contract = get_object_or_404(
            Contract.objects.select_related(
                "application__applicant", "application__stream"
            ),
            pk=pk,
        )
        if not self.has_change_permission(request, contract):
            raise PermissionDenied
        return contract

    def file_view(self, request: HttpRequest, pk: int, which: str) -> FileResponse:
        if which not in ("pdf", "signed") or not self.has_view_permission(request):
            raise PermissionDenied
        return contract_download(get_object_or_404(Contract, pk=pk), which)

    def invoice_view(self, request: HttpRequest, pk: int) -> FileResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return paper_download(get_object_or_404(Invoice, pk=pk).pdf)

    def prepare_view(self, request: HttpRequest, application_id: int) -> HttpResponse:
        application = get_object_or_404(
            Application.objects.select_related(
                "applicant", "stream", "cohort__program"
            ),
            pk=application_id,
        )
        if not self.has_change_permission(request):
            raise PermissionDenied
        kind = contract_terms.contract_kind(application)
        initial = {
            # What the applicant gave on their page, with the application's names.
            **party_for(application).__dict__,
            "price": application.cohort.program.price,
            "instalments": 1,
        }
        form = ContractForm(
            request.POST or None,
            initial=initial,
            kind=kind,
            budget=application.stream.is_free,
        )
        back = reverse("admin:enrollment_application_change", args=[application.pk])
        return service_form_page(
            self,
            request,
            form=form,
            run=lambda data: contract_services.prepare_contract(
                application=application,
                actor=services.Actor.staff(request.user),
                party=form.party(),
                price=data.get("price"),
                instalments=data.get("instalments") or 1,
            ),
            done=gettext(
                "The contract is prepared: check it, then send it to the applicant."
            ),
            title=gettext("Prepare a contract"),
            subject=application,
            back=back,
            intro=format_html(
                "{} — {}. {}",
                application.applicant.full_name,
                application.stream.name,
                gettext("Contract: %(kind)s.") % {"kind": ContractKind(kind).label},
            ),
            submit_label=gettext("Prepare"),
        )

    def step_view(self, request: HttpRequest, pk: int, step: str) -> HttpResponse:
        contract = self._contract(request, pk)
        labels = dict(self.steps(contract))
        if step not in labels:
            raise PermissionDenied
        actor = services.Actor.staff(request.user)
        posted = request.method == "POST"
        data = request.POST if posted else None
        files = request.FILES if posted else None
        form: forms.Form
        if step == "send":
            form = forms.Form(data)
            run = lambda d: contract_services.send_contract(  # noqa: E731
                contract=contract, actor=actor
            )
            done = gettext("The contract is sent to the applicant.")
        elif step == "signed":
            form = SignedUploadForm(data, files)
            run = lambda d: contract_services.upload_signed_contract(  # noqa: E731
                contract=contract, upload=d["file"], actor=actor
            )
            done = gettext("The signed copy is kept: check it now.")
        elif step == "check":
            form = SignedCheckForm(data)
            run = lambda d: contract_services.check_signed_contract(  # noqa: E731
                contract=contract,
                actor=actor,
                accepted=d["decision"] == "accept",
                reason=d.get("reason", ""),
            )
            done = gettext("The decision on the signed copy is recorded.")
        elif step == "invoices":
            form = forms.Form(data)
            run = lambda d: payment_services.issue_invoices(  # noqa: E731
                contract=contract, actor=actor
            )
            done = gettext(
                "The invoices are issued; the applicant sees them on their page."
            )
        elif step == "payment":
            form = PaymentForm(data, initial={"paid_on": timezone.localdate()})
            run = lambda d: payment_services.record_payment(  # noqa: E731
                contract=contract,
                amount=d["amount"],
                paid_on=d["paid_on"],
                document=d["document"],
                actor=actor,
            )
            done = gettext("The payment is recorded.")
        elif step == "refund":
            form = RefundForm(data, initial={"paid_on": timezone.localdate()})
            run = lambda d: payment_services.record_refund(  # noqa: E731
                contract=contract,
                amount=d["amount"],
                paid_on=d["paid_on"],
                document=d["document"],
                actor=actor,
                comment=d["comment"],
            )
            done = gettext("The refund is recorded.")
        elif step == "cancel":
            form = CancelContractForm(data)
            run = lambda d: contract_services.cancel_contract(  # noqa: E731
                contract=contract, actor=actor, reason=d["reason"]
            )
            done = gettext("The contract is cancelled; its number stays used.")
        else:
            party = contract_terms.party_of(contract)
            form = ContractForm(
                data,
                initial={
                    **party.__dict__,
                    "price": contract.price,
                    "instalments": max(
                        1, len(contract.particulars.get("schedule", []))
                    ),
                },
                kind=contract.kind,
                budget=contract.application.stream.is_free,
                correcting=True,
            )
            correcting = form
            run = lambda d: contract_services.correct_contract(  # noqa: E731
                contract=contract,
                actor=actor,
                party=correcting.party(),
                reason=d["reason"],
                price=d.get("price"),
                instalments=d.get("instalments") or 1,
            )
            done = gettext("The corrected version is prepared; the old one is kept.")
        return service_form_page(
            self,
            request,
            form=form,
            run=run,
            done=done,
            title=labels[step],
            subject=contract,
            back=reverse("admin:enrollment_contract_change", args=[contract.pk]),
            submit_label=labels[step],
            intro=contract.application.applicant.full_name
            + " — "
            + contract.application.cohort.code,
        )
