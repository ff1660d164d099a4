"""The centre's papers as PDF: an HTML template per paper, printed by WeasyPrint
with the portal's own fonts (PT Serif from the npm registry, DejaVu from the
system otherwise). Papers are in Russian whatever the reader's language."""

from __future__ import annotations

import atexit
import hashlib
from functools import cache
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
            path = folder / f"pt-serif-{subset}-{weight}-normal.woff2"
            if path.is_file():
                faces.append(
                    {"family": family, "url": path.as_uri(), "weight": str(weight)}
                )
    return faces


@cache
def _fonts() -> tuple[Any, Any]:
    """The fonts, loaded once per process: decoding them took two thirds of
    the time of printing a contract when each paper loaded them again."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    # Let it go before the interpreter tears its modules down.
    atexit.register(_fonts.cache_clear)
    rules = "".join(
        f'@font-face {{ font-family: "{f["family"]}"; src: url("{f["url"]}"); '
        f"font-weight: {f['weight']}; font-style: normal; }}"
        for f in font_faces()
    )
    return config, CSS(string=rules or "/* no fonts */", font_config=config)


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Print ``template`` (an HTML template under templates/papers/) to PDF."""
    from weasyprint import HTML  # imported here: loading it takes half a second

    config, fonts = _fonts()
    with translation.override("ru"):
        html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[fonts], font_config=config
    )


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
