"""What conditions (conditions.py) and calculations (calculations.py) share: their error, and how two values compare.

The phone's script (static/js/observation.js, compare()) compares the same way; tests run both on the same cases.
"""

import re
from typing import Any

# The entry's number inside a repeat (XLSForm's position(..)): put in the answers an entry is evaluated with.
POSITION = "#position"


class ConditionError(ValueError):
    """The condition cannot be parsed."""


def number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def compare(operator: str, answer: Any, literal: Any) -> bool:
    """A comparison as conditions and calculations make it; an unanswered side makes it false."""
    if answer is None or answer == "" or answer == [] or literal is None:  # None: a referenced question unanswered
        return False
    if operator == "regex":
        return re.search(literal, str(answer)) is not None
    if isinstance(answer, list):
        chosen = {str(a) for a in answer}
        if operator == "=":
            return str(literal) in chosen
        if operator == "!=":
            return str(literal) not in chosen
        return False
    left, right = number(answer), number(literal)
    if left is None or right is None:
        left, right = str(answer), str(literal)
        if operator in ("=", "!="):
            left, right = left.lower(), right.lower()
    return {
        "=": left == right, "!=": left != right, "<": left < right,
        "<=": left <= right, ">": left > right, ">=": left >= right,
    }[operator]
