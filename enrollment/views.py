"""Public enrollment pages: apply, the applicant's page, documents, lost links."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.numbers import parse_int
from core.security import client_ip, limit_posts, private_page
from programs.models import Cohort

from . import previews, selectors, services
from .forms import ApplicationForm, DocumentUploadForm, LostLinkForm, add_errors
from .forms.contracts import CustomerDetailsForm, SignedUploadForm
from .models import (
    Application,
    ConsentText,
    CustomerDetails,
    Document,
    StatusChange,
)
from .papers import contract_download, paper_download
from .services import contract_batch, privacy, staging
from .services import contracts as contract_services
from .services.contract_batch import details_wanted
from .services.contract_terms import contract_kind
from .services.files import stored_name


def _evidence(request: HttpRequest) -> services.Evidence:
    return services.Evidence(
        ip_address=client_ip(request) or None,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


@never_cache
@limit_posts("apply")
def apply(request: HttpRequest, cohort_id: int) -> HttpResponse:
    # The seats open are counted by the form, and only to show it: sending
    # the form counts nothing before the service locks the cohort.
    cohort = get_object_or_404(
        Cohort.objects.select_related("program", "program__direction", "venue"),
        pk=cohort_id,
        program__is_published=True,
    )
    try:
        services.check_cohort_accepts(cohort)
    except ValidationError as error:
        return render(
            request,
            "enrollment/apply_closed.html",
            {"cohort": cohort, "reason": error.messages[0]},
        )

    if request.method == "POST":
        key = _submission_key(request.POST.get("submission_key"))
        form = ApplicationForm(
            request.POST,
            request.FILES,
            cohort=cohort,
            staged=staging.staged_uploads(submission_key=key, cohort_id=cohort.pk),
        )
        if form.is_valid():
            try:
                application = services.submit_application(
                    cohort_id=cohort.pk,
                    data=form.applicant_data(),
                    submission_key=form.cleaned_data["submission_key"],
                    consent_text_ids=form.consent_text_ids(),
                    documents=form.documents(),
                    evidence=_evidence(request),
                    language=get_language() or "ru",
                    employer_inn=form.cleaned_data.get("employer_inn", ""),
                    stream_id=form.stream_id(),
                    accepts_other_streams=form.cleaned_data.get(
                        "accepts_other_streams", False
                    ),
                    streams=form.streams,
                )
            except services.DuplicateApplication as error:
                if error.existing is not None:
                    services.send_links_later(email=error.existing.email_key)
                form.add_error(None, error)
            except ValidationError as error:
                add_errors(form, error)
            else:
                if form.staged:
                    staging.discard_staged_uploads(submission_key=key)
                messages.success(
                    request,
                    _(
                        "Your application has been sent. We have e-mailed you the link "
                        "to this page: keep it to follow your application."
                    ),
                )
                return redirect(application)
        if key is not None:
            # Sent back with an error: the files that passed are kept, so
            # that nobody picks them again.
            form.set_staged(
                staging.stage_uploads(
                    cohort_id=cohort.pk,
                    submission_key=key,
                    uploads=form.uploads_to_keep(),
                    removed=form.removed_staged(),
                )
            )
    else:
        initial = {"submission_key": uuid.uuid4()}
        # From the eligibility check: the stream the person may use.
        stream = parse_int(request.GET.get("stream"), minimum=1)
        if stream is not None:
            initial["stream"] = stream
        form = ApplicationForm(cohort=cohort, initial=initial)
    return render(
        request,
        "enrollment/apply.html",
        {
            "cohort": cohort,
            "program": cohort.program,
            "form": form,
            "field_errors": [field for field in form if field.errors],
        },
    )


def _submission_key(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _application_or_404(token: str) -> Application:
    try:
        return selectors.application_by_token(token)
    except Application.DoesNotExist:
        raise Http404 from None


def status(request: HttpRequest, token: str) -> HttpResponse:
    return _status_page(request, _application_or_404(token))


def _details_form(
    application: Application, data: Any = None
) -> CustomerDetailsForm | None:
    """The form of the customer's details for the contract, when it is wanted
    and the contract is not made yet; filled with what was given before."""
    wanted = details_wanted(application)
    if not wanted or selectors.contract_for_applicant(application) is not None:
        return None
    given = getattr(application, "customer_details", None)
    return CustomerDetailsForm(
        data,
        fields=wanted,
        kind=contract_kind(application),
        initial=given.party if given else None,
    )


def _status_page(
    request: HttpRequest, application: Application, **forms: Any
) -> HttpResponse:
    now = timezone.now()
    history = application.history.select_related("actor").order_by("created_at", "pk")
    contract = selectors.contract_for_applicant(application)
    context = {
        "application": application,
        "applicant": application.applicant,
        "cohort": application.cohort,
        "program": application.cohort.program,
        "history": history,
        "position": selectors.waitlist_position(application),
        "checklist": selectors.document_checklist(application),
        "verdict": selectors.stream_verdict(application),
        "offer_open": application.offer_is_open(now),
        "offer_expired": application.offer_has_expired(now),
        "upload_form": DocumentUploadForm(application=application),
        "contract": contract,
        "invoices": selectors.invoices_for_applicant(application),
        "payment": contract
        and selectors.payment_status(contract, timezone.localdate()),
        "signed_form": SignedUploadForm(),
        "details_form": _details_form(application),
        "details_given": CustomerDetails.objects.filter(
            application=application
        ).first(),
        "consents": application.applicant.consents.select_related("text").order_by(
            "text__kind", "given_at"
        ),
        "StatusChange": StatusChange,
        **forms,
    }
    return private_page(render(request, "enrollment/status.html", context))


@require_POST
@limit_posts("upload")
def customer_details(request: HttpRequest, token: str) -> HttpResponse:
    """The applicant gives the details their contract needs."""
    application = _application_or_404(token)
    if refused := _refuse_staff(request, application):
        return refused
    form = _details_form(application, request.POST)
    if form is None:
        messages.error(
            request, _("This application takes no details for a contract now.")
        )
        return redirect(application)
    if form.is_valid():
        try:
            contract_batch.give_customer_details(
                application=application, party=form.party()
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you: the centre will prepare your contract with these details."
                ),
            )
            return redirect(application)
    return _status_page(request, application, details_form=form)


def _refuse_staff(
    request: HttpRequest, application: Application
) -> HttpResponse | None:
    """Staff who open an applicant's page (from the back office) see it, but do
    not act as the applicant: an action there would be recorded as theirs.
    They act from the back office, where it is recorded under their name."""
    if not request.user.is_authenticated:
        return None
    messages.error(
        request,
        _(
            "You are signed in to the back office. Actions on this page belong to "
            "the applicant; act from the application's page in the back office."
        ),
    )
    return redirect(application)


@require_POST
@limit_posts("upload")
def upload(request: HttpRequest, token: str) -> HttpResponse:
    application = _application_or_404(token)
    if refused := _refuse_staff(request, application):
        return refused
    form = DocumentUploadForm(request.POST, request.FILES, application=application)
    if form.is_valid():
        try:
            services.upload_document(
                application=application,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The document has been added."))
            return redirect(application)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(application)


def _act(request: HttpRequest, token: str, action, success: str) -> HttpResponse:
    application = _application_or_404(token)
    if refused := _refuse_staff(request, application):
        return refused
    try:
        action(application)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(application)


@require_POST
def accept_offer(request: HttpRequest, token: str) -> HttpResponse:
    return _act(
        request,
        token,
        lambda a: services.accept_offer(application=a),
        _("You have accepted the seat. We will contact you about enrolment."),
    )


@require_POST
def decline_offer(request: HttpRequest, token: str) -> HttpResponse:
    if request.POST.get("confirm") != "1":
        # The seat would go to the next person for good: asked for, never assumed.
        messages.error(
            request, _("To decline the seat, tick that you give it up, then decline.")
        )
        return redirect(_application_or_404(token))
    return _act(
        request,
        token,
        lambda a: services.decline_offer(application=a),
        _("You have declined the seat."),
    )


@require_POST
def withdraw_consent(request: HttpRequest, token: str, record_id: int) -> HttpResponse:
    return _act(
        request,
        token,
        lambda a: privacy.withdraw_consent(application=a, record_id=record_id),
        _("Your consent has been withdrawn."),
    )


@require_POST
def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    return _act(
        request,
        token,
        lambda a: services.withdraw_application(
            application=a, actor=services.Actor.applicant()
        ),
        _("Your application has been withdrawn."),
    )


def document(request: HttpRequest, token: str, document_id: int) -> FileResponse:
    application = _application_or_404(token)
    item = get_object_or_404(Document, pk=document_id, application=application)
    return private_page(_file_response(item))


@login_required
@permission_required("enrollment.view_document", raise_exception=True)
def staff_document(request: HttpRequest, document_id: int) -> FileResponse:
    item = get_object_or_404(Document, pk=document_id)
    return private_page(_file_response(item))


@login_required
@permission_required("enrollment.view_document", raise_exception=True)
def staff_document_page(
    request: HttpRequest, document_id: int, page: int
) -> HttpResponse:
    """A page of an applicant's document as a picture, for the review page."""
    item = get_object_or_404(Document, pk=document_id)
    try:
        png = previews.preview_png(item, page)
    except previews.NoPreview:
        raise Http404 from None
    response = HttpResponse(png, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return private_page(response)


def _file_response(item: Document) -> FileResponse:
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        # Always the extension of the type found in it (rows stored before
        # names were normalised included).
        filename=stored_name(item.original_name, item.content_type),
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@limit_posts("lost_link")
def lost_link(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = LostLinkForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            # The same answer, and the same work, whether or not the address
            # is known: the look-up and the e-mail happen in a task.
            services.send_links_later(email=email)
            messages.success(
                request,
                _(
                    "If there are applications made with %(email)s, we have sent "
                    "their links there. Check your mail, including the spam folder."
                )
                % {"email": email},
            )
            return redirect("enrollment:lost_link")
    else:
        form = LostLinkForm(initial={"email": request.GET.get("email", "")[:254]})
    return render(request, "enrollment/lost_link.html", {"form": form})


def consent(request: HttpRequest, kind: str) -> HttpResponse:
    texts = ConsentText.objects.filter(kind=kind).order_by("-version")
    if "version" in request.GET:
        version = parse_int(request.GET["version"], minimum=1, maximum=2**31 - 1)
        text = texts.filter(version=version).first() if version else None
    else:
        text = texts.first()
    if text is None:
        raise Http404
    return render(request, "enrollment/consent.html", {"text": text})


def contract_file(request: HttpRequest, token: str, contract_id: int) -> HttpResponse:
    """The applicant's own contract, as it was issued."""
    application = _application_or_404(token)
    contract = get_object_or_404(
        selectors.contracts_for_applicant(application), pk=contract_id
    )
    return private_page(contract_download(contract, "pdf"))


@require_POST
@limit_posts("upload")
def contract_signed(request: HttpRequest, token: str, contract_id: int) -> HttpResponse:
    application = _application_or_404(token)
    if refused := _refuse_staff(request, application):
        return refused
    contract = get_object_or_404(
        selectors.contracts_for_applicant(application), pk=contract_id
    )
    form = SignedUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            contract_services.upload_signed_contract(
                contract=contract,
                upload=form.cleaned_data["file"],
                actor=services.Actor.applicant(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you: the signed copy is uploaded. Staff will check it."),
            )
            return redirect(application)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(application)


def invoice_file(request: HttpRequest, token: str, invoice_id: int) -> HttpResponse:
    """An invoice of the applicant's own contract."""
    application = _application_or_404(token)
    invoice = get_object_or_404(
        selectors.invoices_for_applicant(application), pk=invoice_id
    )
    return private_page(paper_download(invoice.pdf))
