from __future__ import annotations

import json
from typing import Any

from django import template
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import pgettext

register = template.Library()

# The characters json_script escapes, so that data cannot close the <script>.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def language_url(context: template.Context, code: str) -> str:
    """The current page's address in another language."""
    request: HttpRequest | None = context.get("request")
    if request is None:
        return "/"
    return translate_url(request.get_full_path(), code)


@register.simple_tag(takes_context=True)
def language_alternates(context: template.Context) -> list[tuple[str, str]]:
    """The page's address in each language, absolute (search engines ignore
    relative ones), and the default language's as ``x-default``."""
    request: HttpRequest | None = context.get("request")
    if request is None:
        return []
    path = request.get_full_path()
    links = [
        (code, request.build_absolute_uri(translate_url(path, code)))
        for code, _name in settings.LANGUAGES
    ]
    default = next(
        (href for code, href in links if code == settings.LANGUAGE_CODE), None
    )
    return [*links, ("x-default", default)] if default else links


@register.filter
def jsonld(data: object) -> SafeString:
    """Serialise structured data for a <script type="application/ld+json">."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(_JSON_ESCAPES))  # noqa: S308 - escaped above


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, number: int) -> str:
    """A link to another page of a list, keeping its filters."""
    query = context.get("querystring", "")
    return f"?{query}&page={number}" if query else f"?page={number}"


@register.simple_tag
def history_cell(record: Any, column: str) -> object:
    """A listed column of a history row (history_list_display), in words."""
    from core.admin_history import readable

    try:
        field = record.instance_type._meta.get_field(column)
    except FieldDoesNotExist:
        return getattr(record, column, "")
    return readable(field, getattr(record, column, None))


@register.simple_tag
def history_heading(opts: Any, column: str) -> str:
    """The heading of a listed column of a history page."""
    try:
        return str(capfirst(opts.get_field(column).verbose_name))
    except FieldDoesNotExist:
        return column


@register.filter
def history_kind(record: Any) -> str:
    """What a history row records: created, changed or deleted."""
    return {
        "+": pgettext("history", "created"),
        "~": pgettext("history", "changed"),
        "-": pgettext("history", "deleted"),
    }.get(record.history_type, record.history_type)


@register.filter
def filter_in_use(choices: list[dict]) -> bool:
    """Whether a list filter has a choice other than its first («All») chosen."""
    return any(choice.get("selected") for choice in choices[1:])
