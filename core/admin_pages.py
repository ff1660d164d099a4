"""Pages of the back office built by hand (action forms, checks, imports): the
admin's own frame around them, so each looks and navigates like the rest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse

from .forms import add_errors


class ServiceRecordAdmin(ModelAdmin):
    """The admin of records only services write (contracts, orders, batches):
    shown and acted on through their steps, never added or deleted here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def admin_page(
    model_admin: ModelAdmin,
    request: HttpRequest,
    template: str,
    *,
    title: str,
    **context: Any,
) -> TemplateResponse:
    """Render ``template`` inside the admin for ``model_admin``'s model."""
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": title,
            **context,
        },
    )


def service_form_page(
    model_admin: ModelAdmin,
    request: HttpRequest,
    *,
    form: Form,
    run: Callable[[dict[str, Any]], object],
    done: str,
    title: str,
    subject: object,
    back: str,
    goto: Callable[[Any], str] | None = None,
    **context: Any,
) -> HttpResponse:
    """A page with one form that calls one service: on a valid POST, ``run``
    gets the cleaned data; success says ``done`` and goes ``back`` (or to
    ``goto`` of what ``run`` returned: the page of a record it made); a
    refusal (ValidationError) shows next to its fields, and what was typed
    stays."""
    if request.method == "POST" and form.is_valid():
        try:
            result = run(form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(goto(result) if goto else back)
    return admin_page(
        model_admin,
        request,
        "admin/service_form.html",
        title=title,
        subject=subject,
        form=form,
        back=back,
        **context,
    )
