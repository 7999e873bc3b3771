"""Which pairs of a block the batch scan compares (duplicate_scan.py): blocks are never compared whole.

The scan compares only pairs that could be one person, found without comparing
every pair of a block:

* names blocks (both first name skeletons, sex, birth year and the next): every
  spelling, script, swap, middle-name and date variant lands here; within a block
  only birthdays that can be one date are paired (see date_signature);
* last-names blocks (the last given and last family name skeletons, likewise): a
  first given name dropped or added (Mariam Aminata / Aminata);
* given-name and family-name blocks (sex, one first-name skeleton, birth year and
  the next, for a typo and a slip on the year at once) are
  there for a one-letter typo in the other name, which can move its skeleton (a
  typo in a vowel adds a consonant). Only pairs whose other first names are one
  edit apart as written (two words one edit apart share a one-deletion variant)
  are compared: that leaves out the thousands of people per block who merely
  share a common first name. Pairs whose other first names' skeletons are one
  edit apart are compared too: across scripts a skeleton can differ by one sound
  (القذافي / Gaddafi: ق is written g; عثمان / Osman: ث is written s); and pairs
  whose other first word is the other's with a name or article joined to it
  (Alzawi / Zawi, Jeanbaptiste / Jean: name_compare.joined_apart);
* ID blocks: the same document number.
"""

from collections import defaultdict
from itertools import chain

from electoral.registration.services.dedup import Person
from electoral.registration.services.name_compare import can_be_one_name
from electoral.registration.services.names import Token


def date_signature(person: Person) -> str:
    """Birthdays that can be one person's share a signature: the day and month in either order.

    A year-only date, or 1 January (the usual default), can be anyone's birthday in
    that year: "*" marks them to be compared with the whole block.
    """
    born = person.date_of_birth
    if person.birth_year_only or (born.month, born.day) == (1, 1):
        return "*"
    low, high = sorted((born.month, born.day))
    return f"{low}-{high}"


def _by_signature(members: list[int], signatures: list[str]) -> dict[str, list[int]]:
    buckets: dict[str, list[int]] = defaultdict(list)
    for index in members:
        buckets[signatures[index]].append(index)
    return buckets


def pairs_within(members: list[int], signatures: list[str]):
    """Index pairs worth comparing within one block: same date signature, or one of them a wildcard."""
    buckets = _by_signature(members, signatures)
    wild = buckets.pop("*", [])
    for bucket in buckets.values():
        for i, first in enumerate(bucket):
            for second in bucket[i + 1:]:
                yield first, second
    for i, first in enumerate(wild):
        for second in wild[i + 1:]:
            yield first, second
        for bucket in buckets.values():
            for second in bucket:
                yield first, second


def pairs_across(left: list[int], right: list[int], signatures: list[str]):
    """Pairs of one member of ``left`` and one of ``right`` whose dates can be one birthday."""
    buckets = _by_signature(right, signatures)
    wild = buckets.get("*", [])
    everyone = [index for bucket in buckets.values() for index in bucket]
    for first in left:
        signature = signatures[first]
        if signature == "*":
            yield from ((first, second) for second in everyone)
            continue
        for second in buckets.get(signature, ()):
            yield first, second
        for second in wild:
            yield first, second


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def one_edit_neighbours(words: set[str], joined: bool = False) -> dict[str, set[str]]:
    """For each word, the others at most one edit away (they share a one-deletion variant).

    A transposition (Dool / Dolo) is two deletions apart yet shares a one-deletion variant
    too. With ``joined``, also the words that begin or end another (name_compare.joined_apart).
    """
    variants: dict[str, set[str]] = defaultdict(set)
    for word in words:
        variants[word].add(word)
        for variant in _deletions(word):
            variants[variant].add(word)
    neighbours: dict[str, set[str]] = defaultdict(set)
    for word in words:
        found = set(variants[word])
        for variant in _deletions(word):
            found |= variants.get(variant, set())
        found.discard(word)
        if found:
            neighbours[word] |= found
        if joined:
            parts = [word[:cut] for cut in range(3, len(word))] + [word[cut:] for cut in range(1, len(word) - 2)]
            for part in parts:
                if part in words:
                    neighbours[word].add(part)
                    neighbours[part].add(word)
    return dict(neighbours)


def block_pairs(snap, kind: str, year: int, members: list[int]):
    """The pairs of one block worth a full comparison."""
    if kind == "i":
        yield from ((first, second) for i, first in enumerate(members) for second in members[i + 1:])
        return
    # A block holds the people born in its year and the year before (each voter is put
    # in its year's block and the next's): of those, it pairs only those with one born
    # in its year, so a pair is made in one block only.
    signatures, years = snap.signatures, snap.years
    if kind == "n":
        current, previous = split_year(members, years, year)
        yield from pairs_within(current, signatures)
        yield from pairs_across(current, previous, signatures)
        return
    names_keys = snap.names_keys
    if kind == "l":
        # Only people whose names keys differ: the others share a names block.
        groups: dict[str, list[int]] = defaultdict(list)
        for index in members:
            groups[names_keys[index]].append(index)
        if len(groups) > 1:
            split = [split_year(group, years, year) for group in groups.values()]
            for n, (current, previous) in enumerate(split):
                for other_current, other_previous in split[n + 1:]:
                    yield from pairs_across(current, other_current, signatures)
                    yield from pairs_across(current, other_previous, signatures)
                    yield from pairs_across(previous, other_current, signatures)
        return
    # Single-name blocks: group by the other first name and pair only groups whose
    # names are related (``related_tokens``: one edit apart as written or as sounds,
    # or joined, and can be one name), unless the names key is the same (then a names
    # block compares them): a common first name otherwise brings thousands of pairs.
    tokens, related = (snap.family_token if kind == "g" else snap.given_token), snap.related
    groups: dict[int, list[int]] = defaultdict(list)
    for index in members:
        groups[tokens[index]].append(index)
    if len(groups) < 2:
        return
    for token, left in groups.items():
        for other in related.get(token, ()):
            if other > token and other in groups:
                current, previous = split_year(left, years, year)
                other_current, other_previous = split_year(groups[other], years, year)
                for a, b in chain(pairs_across(current, other_current, signatures),
                                  pairs_across(current, other_previous, signatures),
                                  pairs_across(previous, other_current, signatures)):
                    if names_keys[a] != names_keys[b]:
                        yield a, b


def related_tokens(tokens: list[Token]) -> dict[int, list[int]]:
    """For each first token (by number), the others a single-name block pairs it with.

    Those whose words are one edit apart as written (two words one edit apart share a
    one-deletion variant), or one the other with a name or article joined to it
    (Alzawi / Zawi, Jeanbaptiste / Jean), or whose skeletons are one edit apart (across
    scripts a skeleton can differ by one sound: القذافي / Gaddafi, ق is written g), and
    that can be one name (name_compare.can_be_one_name). Worked out once per scan over the
    roll's distinct names, not per block.
    """
    by_word: dict[str, list[int]] = defaultdict(list)
    by_skeleton: dict[str, list[int]] = defaultdict(list)
    for number, token in enumerate(tokens):
        by_word[token.fold].append(number)
        by_skeleton[token.skeleton].append(number)
    words = one_edit_neighbours(set(by_word), joined=True)
    skeletons = one_edit_neighbours(set(by_skeleton))
    related: dict[int, list[int]] = {}
    for number, token in enumerate(tokens):
        near = {other for word in words.get(token.fold, ()) for other in by_word[word]}
        near.update(other for skeleton in skeletons.get(token.skeleton, ()) for other in by_skeleton[skeleton])
        near.discard(number)
        found = [other for other in near if can_be_one_name(token, tokens[other])]
        if found:
            related[number] = found
    return related


def split_year(members: list[int], years: list[int], year: int) -> tuple[list[int], list[int]]:
    """The members born in ``year``, and the others (born the year before)."""
    current = [index for index in members if years[index] == year]
    if len(current) == len(members):
        return current, []
    return current, [index for index in members if years[index] != year]
