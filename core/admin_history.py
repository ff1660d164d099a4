"""The change history of a record (django-simple-history) as a person reads
it: choices by their labels, dates and times in Moscow time to the minute,
yes and no, a dash for nothing."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper


def readable(field: Any, value: Any) -> Any:
    """``value`` of model field ``field`` as the back office shows it."""
    if value is None or value == "":
        return "—"
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "j E Y, H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j E Y")
    return value


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change: Any, value: Any) -> Any:
        value = super().prepare_delta_change_value(change, value)
        return readable(self.model._meta.get_field(change.field), value)


class ReadableHistoryAdmin(SimpleHistoryAdmin):
    """An admin whose history page reads as words (see the module)."""

    def get_historical_record_context_helper(
        self, request: Any, historical_record: Any
    ) -> HistoricalRecordContextHelper:
        return ReadableHistoryHelper(self.model, historical_record)
