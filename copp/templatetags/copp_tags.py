from __future__ import annotations

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.safestring import SafeString, mark_safe

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
