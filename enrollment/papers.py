"""The centre's papers as PDF: an HTML template per paper, printed by WeasyPrint
with the portal's own fonts (PT Serif from the npm registry, DejaVu from the
system otherwise). Papers are in Russian whatever the reader's language."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


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
