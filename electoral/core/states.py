"""A column's values (states, kinds, levels...) with their translated labels, in one place.

The model keeps its tuple of values, which its check constraint is built from (so migrations never
change); each domain's ``labels.py`` pairs that tuple with its labels once, and forms, pages, PDFs,
exports and the command line read them from there. A value without a label, or a label for a value
the model does not know, fails at import, so the two cannot drift apart.
"""

from collections.abc import Iterator, Mapping


class States(Mapping):
    """The values of ``values`` in their order, each with its (lazy) label: ``states[value]``, ``label(value)``."""

    def __init__(self, values: tuple[str, ...], labels: Mapping[str, object]):
        unlabelled, unknown = set(values) - set(labels), set(labels) - set(values)
        if unlabelled or unknown:
            raise ValueError(f"labels do not match the values: without a label {sorted(unlabelled)}, "
                             f"unknown {sorted(unknown)}")
        self.values = tuple(values)
        self._labels = {value: labels[value] for value in values}

    def __getitem__(self, value: str):
        return self._labels[value]

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def label(self, value: str | None) -> str:
        """The label of ``value`` in the reader's language; a value not known shows as it is."""
        if value is None:
            return ""
        return str(self._labels[value]) if value in self._labels else str(value)

    def choices(self, *first: tuple[str, object], only: tuple[str, ...] | None = None) -> list[tuple[str, object]]:
        """(value, label) pairs for a select field: ``first`` (an "Any" choice, say), then ``only`` or every value."""
        return [*first, *((value, self._labels[value]) for value in (only or self.values))]
