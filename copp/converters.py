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
