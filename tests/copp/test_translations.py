"""The committed catalogs: complete in Russian, and compiled from the current .po."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"


def test_russian_catalog_is_complete():
    catalog = polib.pofile(str(LOCALE / "ru/LC_MESSAGES/django.po"))
    assert catalog.untranslated_entries() == []
    assert catalog.fuzzy_entries() == []


@pytest.mark.parametrize("language", ["ru", "en"])
def test_compiled_catalog_matches_its_source(language):
    source = polib.pofile(str(LOCALE / language / "LC_MESSAGES/django.po"))
    compiled = polib.mofile(str(LOCALE / language / "LC_MESSAGES/django.mo"))

    def pairs(entries):
        return {
            (e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in entries
            if e.msgid
        }

    assert pairs(source.translated_entries()) == pairs(compiled)
