"""URL converters shared by the apps."""


class IdConverter:
    """A database id: at most 18 digits, so that it always fits a bigint.

    A longer number in an address is a 404, not a database error.
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class TokenConverter:
    """The key of an applicant's secret link: URL-safe base64, as
    ``secrets.token_urlsafe`` makes it. Anything else is a 404 before the
    database is asked (a NUL byte, say, which PostgreSQL refuses)."""

    regex = "[A-Za-z0-9_-]{16,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
