"""Errors that services raise and views turn into messages beside the fields."""


class ValidationFailed(Exception):
    """Input broke a rule; ``errors`` maps a field name (or "" for the form) to messages."""

    def __init__(self, errors: dict[str, list[str]] | str):
        if isinstance(errors, str):
            errors = {"": [errors]}
        self.errors = errors
        super().__init__("; ".join(m for msgs in errors.values() for m in msgs))


class LineError:
    """One bad line of an imported file."""

    __slots__ = ("line", "message")

    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message

    def __repr__(self) -> str:
        return f"line {self.line}: {self.message}"


class ImportFailed(Exception):
    """A file had bad lines; nothing was imported."""

    def __init__(self, errors: list[LineError]):
        self.errors = errors
        super().__init__(f"{len(errors)} bad lines")
