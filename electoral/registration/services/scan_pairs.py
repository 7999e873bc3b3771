"""Which pairs of a block the batch scan compares (duplicate_scan.py): blocks are never compared whole.

The scan compares only pairs that could be one person, found without comparing
every pair of a block. A block holds everyone sharing its key; within it, those
born in each year are paired with each other and with those born the year before
(a typo and a slip on the year at once):

* names blocks (both first name skeletons and sex): every
  spelling, script, swap, middle-name and date variant lands here; within a block
  only birthdays that can be one date are paired (see date_signature);
* last-names blocks (the last given and last family name skeletons, likewise): a
  first given name dropped or added (Mariam Aminata / Aminata);
* given-name and family-name blocks (sex, one first-name skeleton) are there for a one-letter typo in the other name, which can move its skeleton (a
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
from datetime import date
from functools import cache
from itertools import chain

from electoral.registration.services.name_compare import can_be_one_name
from electoral.registration.services.names import Token


@cache
def date_signature(born: date, year_only: bool) -> str:
    """Birthdays that can be one person's share a signature: the day and month in either order.

    A year-only date, or 1 January (the usual default), can be anyone's birthday in
    that year: "*" marks them to be compared with the whole block. Worked out once per
    date (a roll has a few tens of thousands).
    """
    if year_only or (born.month, born.day) == (1, 1):
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


def pairs_across(left: list[int], right: list[int], signatures: list[str], vague: bool = True):
    """Pairs of one member of ``left`` and one of ``right`` whose dates can be one birthday.

    ``vague`` off: none whose date is vague ("*"); for ``left`` and ``right`` born in
    different years, such a pair is a vague date a year apart, which only a shared
    document number lets through (dedup.comparison_levels), and an ID block finds those.
    """
    buckets = _by_signature(right, signatures)
    wild = buckets.pop("*", []) if not vague else buckets.get("*", [])
    everyone = [index for bucket in buckets.values() for index in bucket]
    for first in left:
        signature = signatures[first]
        if signature == "*":
            if vague:
                yield from ((first, second) for second in everyone)
            continue
        for second in buckets.get(signature, ()):
            yield first, second
        if vague:
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


def block_pairs(snap, kind: str, members: list[int], rules: bool = False):
    """The pairs of one block worth a full comparison.

    A block holds everyone sharing its key, whatever their birth year: those born in
    each year are paired with each other and with those born the year before (a typo
    and a slip on the year at once), so a pair is made once. ``rules``: without the
    pairs of a vague date a year from the other's, which the comparison's rules turn
    down unless the two share a document number (the scan; the weights are counted
    over them too).
    """
    if kind == "i":
        yield from ((first, second) for i, first in enumerate(members) for second in members[i + 1:])
        return
    if kind != "n":
        # Only people whose names keys differ (last-names blocks) or whose other first
        # names are related (single-name blocks) are paired: a block where all share one
        # has nothing to pair.
        group_of = snap.names_keys if kind == "l" else (snap.family_token if kind == "g" else snap.given_token)
        first_group = group_of[members[0]]
        if all(group_of[index] == first_group for index in members):
            return
    years = snap.years
    by_year: dict[int, list[int]] = defaultdict(list)
    for index in members:
        by_year[years[index]].append(index)
    vague = not rules
    for year, current in by_year.items():
        previous = by_year.get(year - 1, [])
        if len(current) + len(previous) > 1:
            yield from _year_pairs(snap, kind, current, previous, vague)


def _year_pairs(snap, kind: str, current: list[int], previous: list[int], vague: bool):
    """The pairs of a block's members born in one year (``current``) with each other and with ``previous``."""
    signatures = snap.signatures
    if kind == "n":
        yield from pairs_within(current, signatures)
        yield from pairs_across(current, previous, signatures, vague)
        return
    if kind == "l":
        # Only people whose names keys differ: the others share a names block.
        by_names = _grouped(snap.names_keys, current, previous)
        if len(by_names) > 1:
            split = list(by_names.values())
            for n, (left, left_previous) in enumerate(split):
                for right, right_previous in split[n + 1:]:
                    yield from pairs_across(left, right, signatures)
                    yield from pairs_across(left, right_previous, signatures, vague)
                    yield from pairs_across(left_previous, right, signatures, vague)
        return
    # Single-name blocks: group by the other first name and pair only groups whose
    # names are related (``related_tokens``: one edit apart as written or as sounds,
    # or joined, and can be one name), unless the names key is the same (then a names
    # block compares them): a common first name otherwise brings thousands of pairs.
    by_token = _grouped(snap.family_token if kind == "g" else snap.given_token, current, previous)
    if len(by_token) < 2:
        return
    related, names_keys = snap.related, snap.names_keys
    for token, (left, left_previous) in by_token.items():
        for other in related.get(token, ()):
            if other > token and other in by_token:
                right, right_previous = by_token[other]
                for a, b in chain(pairs_across(left, right, signatures),
                                  pairs_across(left, right_previous, signatures, vague),
                                  pairs_across(left_previous, right, signatures, vague)):
                    if names_keys[a] != names_keys[b]:
                        yield a, b


def _grouped(group_of: list, current: list[int], previous: list[int]) -> dict:
    """``current`` and ``previous`` by group (``group_of``): group -> (its current, its previous)."""
    groups: dict = {}
    for index in current:
        groups.setdefault(group_of[index], ([], []))[0].append(index)
    for index in previous:
        groups.setdefault(group_of[index], ([], []))[1].append(index)
    return groups


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
