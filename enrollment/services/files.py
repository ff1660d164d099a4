"""What a file must be to be kept as an applicant's document.

The type is read from the content, never from the name or the browser; the
whole file is read, not its start; the name it is stored and served under
carries the extension of the type found, whatever the person's file was
called. Each application holds a bounded number and size of documents.
"""

from __future__ import annotations

import re
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from PIL import Image
from pypdf import PdfReader

from ..models import Application

ALLOWED_CONTENT_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
}
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
# What a browser sniffing the start of a file would take for a page or a
# picture made of code.
MARKUP_AT_START = re.compile(
    rb"<\s*(?:html|head|body|script|svg|iframe|object|embed|!doctype|\?xml)", re.I
)
# Anywhere in the file: whole tags only (a letter right after "<" and a space
# or ">" after the name), so that compressed image or PDF data, which is
# random bytes, practically never matches by chance.
MARKUP_ANYWHERE = re.compile(
    rb"<(?:html|head|body|script|iframe|object|embed|svg)[\s/>]"
    rb"|<!doctype\s+html|<\?xml\s",
    re.I,
)
HEAD_BYTES = 8192
CHUNK_BYTES = 1024 * 1024
OVERLAP = 32  # longer than any pattern above, so a tag across chunks is seen


def check_file(upload: UploadedFile) -> str:
    """Return the real content type of an upload, or raise ValidationError."""
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.")
            % {"mb": settings.DOCUMENT_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_CONTENT_TYPES:
        raise ValidationError(
            _("Only PDF, JPEG and PNG files are accepted."), code="file_type"
        )
    # A polyglot: a real file's signature with web page code behind it.
    if MARKUP_AT_START.search(head) or _has_markup(upload):
        raise ValidationError(
            _("The file contains web page code and cannot be accepted."),
            code="file_markup",
        )
    readable = _is_whole_pdf if kind.mime == "application/pdf" else _is_whole_image
    problem = readable(upload)
    if problem:
        raise ValidationError(problem, code="file_damaged")
    return kind.mime


def _has_markup(upload: UploadedFile) -> bool:
    """Search the whole file, a chunk at a time, for page code."""
    upload.seek(0)
    tail = b""
    try:
        while chunk := upload.read(CHUNK_BYTES):
            if MARKUP_ANYWHERE.search(tail + chunk):
                return True
            tail = chunk[-OVERLAP:]
    finally:
        upload.seek(0)
    return False


def _is_whole_image(upload: UploadedFile) -> str:
    """Pillow reads the image through to its end, or say what is wrong."""
    try:
        with Image.open(upload) as image:
            kind = ALLOWED_CONTENT_TYPES.get(Image.MIME.get(image.format or "", ""))
            image.verify()
    except Exception:
        kind = None
    finally:
        upload.seek(0)
    if kind is None:
        return str(_("The image cannot be read: it is damaged or not a JPEG or PNG."))
    return ""


def _is_whole_pdf(upload: UploadedFile) -> str:
    """pypdf opens the document and finds its pages, or say what is wrong."""
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            return str(
                _(
                    "The PDF is protected by a password. Please save it without "
                    "a password and upload it again."
                )
            )
        pages = len(reader.pages)
    except Exception:
        pages = 0
    finally:
        upload.seek(0)
    if pages < 1:
        return str(_("The PDF cannot be read: it is damaged or not really a PDF."))
    return ""


def stored_name(original: str | None, content_type: str) -> str:
    """The name a document is served under: the person's name for it with the
    extension of the type found in it (``passport.html`` holding a PDF is
    ``passport.pdf``)."""
    name = PurePath((original or "").replace("\\", "/")).name
    stem, dot, _extension = name.rpartition(".")
    stem = (stem if dot else name).strip() or "document"
    return f"{stem[:200]}{EXTENSIONS[content_type]}"


def check_room_for(application: Application, *, adding: int, size: int) -> None:
    """Raise ValidationError unless ``adding`` more documents of ``size`` bytes
    in all fit the application's bounds (DOCUMENTS_PER_APPLICATION and
    DOCUMENTS_TOTAL_MB). The caller holds the application's row lock."""
    held = application.documents.aggregate(count=Count("pk"), size=Sum("size"))
    count_limit = settings.DOCUMENTS_PER_APPLICATION
    if held["count"] + adding > count_limit:
        raise ValidationError(
            ngettext(
                "An application holds at most %(limit)s document. Please call the "
                "centre if you need to send more.",
                "An application holds at most %(limit)s documents. Please call the "
                "centre if you need to send more.",
                count_limit,
            )
            % {"limit": count_limit},
            code="too_many_documents",
        )
    total_mb = settings.DOCUMENTS_TOTAL_MB
    if (held["size"] or 0) + size > total_mb * 1024 * 1024:
        raise ValidationError(
            _(
                "The documents of an application may take at most %(mb)s MB in all. "
                "Please send smaller scans or call the centre."
            )
            % {"mb": total_mb},
            code="documents_too_large",
        )
