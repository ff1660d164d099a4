"""A static files finder for chosen files of a front-end package.

Some packages from the npm registry hold far more than the portal serves (the
hyphenation package carries the patterns of every language): adding the whole
folder to STATICFILES_DIRS would collect, compress and serve all of it. This
finder offers only the files named in settings.STATIC_NAMED_FILES:

    STATIC_NAMED_FILES = {"vendor/hyphen": (folder, ["hyphen.js", "patterns/ru.js"])}
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage


class NamedFilesFinder(BaseFinder):
    def __init__(self, *args, **kwargs) -> None:
        self.packages: list[tuple[str, FileSystemStorage, list[str]]] = []
        for prefix, (folder, names) in getattr(
            settings, "STATIC_NAMED_FILES", {}
        ).items():
            storage = FileSystemStorage(location=str(folder))
            storage.prefix = prefix  # type: ignore[attr-defined]
            self.packages.append((prefix, storage, list(names)))
        super().__init__(*args, **kwargs)

    def check(self, **kwargs) -> list[CheckMessage]:
        errors: list[CheckMessage] = []
        for prefix, storage, names in self.packages:
            for name in names:
                if not Path(storage.path(name)).is_file():
                    errors.append(
                        Error(
                            f"STATIC_NAMED_FILES[{prefix!r}] names {name!r}, "
                            f"which is not in {storage.location}.",
                            id="core.E010",
                        )
                    )
        return errors

    def find(self, path: str, find_all: bool = False, **kwargs):
        matches = []
        for prefix, storage, names in self.packages:
            name = path.removeprefix(f"{prefix}/")
            if name != path and name in names:
                found = storage.path(name)
                if not find_all:
                    return found
                matches.append(found)
        return matches if find_all else []

    def list(self, ignore_patterns):
        for _prefix, storage, names in self.packages:
            for name in names:
                yield name, storage
