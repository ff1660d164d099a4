"""The centre's papers as PDF: an HTML template per paper, printed by WeasyPrint
with the portal's own fonts (PT Serif from the npm registry, DejaVu from the
system otherwise). Papers are in Russian whatever the reader's language."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.template.loader import render_to_string
from django.utils import translation

if TYPE_CHECKING:
    from .models import Contract


def font_faces() -> list[dict[str, str]]:
    """The @font-face rules for the papers: the portal's PT Serif when npm
    installed it (Cyrillic and Latin files), nothing otherwise."""
    folder = Path(settings.PAPER_FONTS_DIR)
    faces = []
    for subset, family in (("cyrillic", "Paper"), ("latin", "Paper Latin")):
        for weight in (400, 700):
            for style in ("normal", "italic"):
                path = folder / f"pt-serif-{subset}-{weight}-{style}.woff2"
                if path.is_file():
                    faces.append(
                        {
                            "family": family,
                            "url": path.as_uri(),
                            "weight": str(weight),
                            "style": style,
                        }
                    )
    return faces


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Print ``template`` (an HTML template under templates/papers/) to PDF."""
    from weasyprint import HTML  # imported here: loading it takes half a second

    with translation.override("ru"):
        html = render_to_string(template, {**context, "font_faces": font_faces()})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def contract_download(contract: Contract, which: str) -> FileResponse:
    """The contract as issued ("pdf", shown in the browser) or its signed copy
    ("signed", downloaded), privately: never cached, never run as a page."""
    field = contract.pdf if which == "pdf" else contract.signed_scan
    return paper_download(field, attachment=which != "pdf")


def paper_download(field: FieldFile, *, attachment: bool = False) -> FileResponse:
    """A stored paper as a private response: never cached, never run as a page."""
    if not field:
        raise PermissionDenied
    response = FileResponse(
        field.open("rb"),
        as_attachment=attachment,
        filename=field.name.rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
