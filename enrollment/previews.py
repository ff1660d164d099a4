"""Applicants' documents shown to staff inside the back office as pictures
rendered on the server: a PDF's first pages by pdfium, a photo re-encoded.
The browser never opens the applicant's file itself, so nothing in it can
run; the pictures are served privately, with the document's permission."""

from __future__ import annotations

import io

from PIL import Image

from .models import Document

MAX_PAGES = 3  # the first pages are what staff check; the file has the rest
WIDTH = 1100  # pixels: readable at the width of the review page


class NoPreview(Exception):
    """The file cannot be shown (damaged, encrypted, or of another kind)."""


def page_count(document: Document) -> int:
    """How many pages the preview has (at most MAX_PAGES)."""
    if document.content_type != "application/pdf":
        return 1
    import pypdfium2

    try:
        with document.file.open("rb") as f:
            pdf = pypdfium2.PdfDocument(f.read())
        return min(len(pdf), MAX_PAGES)
    except pypdfium2.PdfiumError as error:
        raise NoPreview from error


def preview_png(document: Document, page: int) -> bytes:
    """Page ``page`` (from 0) of ``document`` as PNG. Raises NoPreview."""
    with document.file.open("rb") as f:
        data = f.read()
    if document.content_type == "application/pdf":
        import pypdfium2

        try:
            pdf = pypdfium2.PdfDocument(data)
            if not 0 <= page < min(len(pdf), MAX_PAGES):
                raise NoPreview
            sheet = pdf[page]
            picture = sheet.render(scale=WIDTH / sheet.get_width()).to_pil()
        except pypdfium2.PdfiumError as error:
            raise NoPreview from error
    else:
        if page != 0:
            raise NoPreview
        try:
            picture = Image.open(io.BytesIO(data))
            picture.thumbnail((WIDTH, WIDTH * 2))
        except OSError as error:
            raise NoPreview from error
    out = io.BytesIO()
    picture.convert("RGB").save(out, "PNG", optimize=True)
    return out.getvalue()
