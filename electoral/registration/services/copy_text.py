"""Checked voter rows as lines of PostgreSQL's COPY text, for the bulk load (see imports._bulk).

The forked checker makes the lines column by column, so the writing process hands the
server whole batches with only what the batch sets (status, clerk, time, numbers) to add.
"""

from collections.abc import Iterable, Sequence

# Voter columns that hold None for an empty text, and those that are not text (the rest are).
_NULLABLE = {"father_name", "place_of_birth", "id_number", "phone"}
_NOT_TEXT = {"birth_year_only", "birth_year", "centre_id"}
_BOOLEAN = {True: "t", False: "f"}


def copy_escaped(value: str) -> str:
    """A text as a field of COPY text: backslash, tab, line feed and carriage return escaped."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_lines(names: Sequence[str], columns: Sequence[Iterable]) -> list[str]:
    """Rows given column by column (``names`` the voter columns; texts with None as ""), as lines of COPY text.

    What psycopg's ``write_row`` sends for the values ``RowChecker.check_many`` gives (an
    empty optional text as NULL, a backslash, tab, line feed or carriage return escaped),
    made by a few C-level calls a column.
    """
    texts = []
    for name, column in zip(names, columns, strict=True):
        if name == "birth_year_only":
            column = map(_BOOLEAN.__getitem__, column)
        elif name in _NOT_TEXT:
            column = map(str, column)
        else:
            column = list(column)
            whole = "".join(column)
            if "\\" in whole or "\t" in whole or "\n" in whole or "\r" in whole:
                column = list(map(copy_escaped, column))
            if name in _NULLABLE and "" in column:
                column = [value or "\\N" for value in column]
        texts.append(column)
    return list(map("\t".join, zip(*texts, strict=True)))
