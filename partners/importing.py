"""Import of partners from a spreadsheet: read, check each row, save the valid ones."""

from __future__ import annotations

import contextlib
import csv
import io
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.identifiers import digits

from .models import Partner

MAX_ROWS = 5000

# Column headers accepted in the file (lower case), for each field.
HEADERS = {
    "kind": ["kind", "вид", "тип"],
    "full_name": ["full_name", "full name", "полное наименование", "наименование"],
    "short_name": ["short_name", "short name", "краткое наименование"],
    "inn": ["inn", "инн"],
    "kpp": ["kpp", "кпп"],
    "ogrn": ["ogrn", "огрн", "огрнип", "огрн/огрнип", "огрн / огрнип"],
    "industry": ["industry", "отрасль"],
    "address": ["address", "адрес"],
    "website": ["website", "сайт"],
}
KIND_WORDS = {
    "organisation": Partner.Kind.ORGANISATION,
    "организация": Partner.Kind.ORGANISATION,
    "юл": Partner.Kind.ORGANISATION,
    "entrepreneur": Partner.Kind.ENTREPRENEUR,
    "ип": Partner.Kind.ENTREPRENEUR,
    "индивидуальный предприниматель": Partner.Kind.ENTREPRENEUR,
}


class PartnerRowForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Partner
        fields = [
            "kind",
            "full_name",
            "short_name",
            "inn",
            "kpp",
            "ogrn",
            "industry",
            "address",
            "website",
        ]


@dataclass
class ImportRow:
    line: int
    data: dict[str, str]
    errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def read_rows(upload) -> list[dict[str, str]]:
    """Rows of a CSV or XLSX file as dicts keyed by field name."""
    name = (upload.name or "").lower()
    content = upload.read()
    if name.endswith(".xlsx"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=True
            )
        except Exception as error:  # openpyxl raises many kinds for a broken file
            raise ValidationError(
                _("The file is not a readable XLSX workbook.")
            ) from error
        table = [
            ["" if cell is None else str(cell).strip() for cell in row]
            for row in book.active.iter_rows(values_only=True)
        ]
    elif name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1251", errors="replace")
        dialect = csv.excel
        with contextlib.suppress(csv.Error):
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
        table = [
            [cell.strip() for cell in row]
            for row in csv.reader(io.StringIO(text), dialect)
        ]
    else:
        raise ValidationError(_("Upload a CSV or XLSX file."))
    table = [row for row in table if any(row)]
    if not table:
        raise ValidationError(_("The file is empty."))
    columns = {}
    for index, header in enumerate(table[0]):
        for name_, aliases in HEADERS.items():
            if header.strip().lower() in aliases:
                columns[index] = name_
    missing = {"full_name", "inn", "ogrn"} - set(columns.values())
    if missing:
        raise ValidationError(
            _("The first row must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(sorted(missing))}
        )
    if len(table) - 1 > MAX_ROWS:
        raise ValidationError(
            _("At most %(count)s rows can be imported at once.") % {"count": MAX_ROWS}
        )
    return [
        {columns[i]: (row[i] if i < len(row) else "") for i in columns}
        for row in table[1:]
    ]


def check_rows(rows: list[dict[str, str]]) -> list[ImportRow]:
    """Check each row as the admin form would; a repeated ИНН in the file is an error."""
    results, seen = [], {}
    for line, raw in enumerate(rows, start=2):
        data = dict(raw)
        kind = KIND_WORDS.get(data.get("kind", "").strip().lower())
        if kind is None:
            kind = (
                Partner.Kind.ENTREPRENEUR
                if len(digits(data.get("inn", ""))) == 12
                else Partner.Kind.ORGANISATION
            )
        data["kind"] = kind
        data.setdefault("short_name", "")
        if not data["short_name"]:
            data["short_name"] = data.get("full_name", "")[:200]
        row = ImportRow(line=line, data=data)
        form = PartnerRowForm(data)
        if not form.is_valid():
            for name, messages in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                row.errors.extend(f"{label}: {m}" if label else m for m in messages)
        inn = digits(data.get("inn", ""))
        if inn and inn in seen:
            row.errors.append(
                str(_("ИНН repeats line %(line)s of the file.")) % {"line": seen[inn]}
            )
        seen.setdefault(inn, line)
        results.append(row)
    return results


def import_partners(
    rows: list[dict[str, str]],
) -> tuple[list[Partner], list[ImportRow]]:
    """Save every valid row; return the partners created and the rows refused."""
    checked = check_rows(rows)
    created = []
    with transaction.atomic():
        for row in checked:
            if row.is_valid:
                form = PartnerRowForm(row.data)
                if form.is_valid():  # checked again inside the transaction
                    created.append(form.save())
                else:
                    row.errors.extend(m for ms in form.errors.values() for m in ms)
    return created, [row for row in checked if not row.is_valid]
