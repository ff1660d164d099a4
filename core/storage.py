"""Storage for personal files: on disk outside the public media root, never by URL."""

from django.core.files.storage import FileSystemStorage


class PrivateFileStorage(FileSystemStorage):
    """Files here are served only by views that check the right to see them."""

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no public URL; use the checking view.")
