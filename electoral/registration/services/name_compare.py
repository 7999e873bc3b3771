"""Whether two written names can be one person's, and how they differ (dedup.compare_names).

Every token of the shorter name must match a distinct token of the longer one (the
same, another spelling, across scripts, written joined, or one slip); names may be
missing after the first given name, or the first alone; given and family names may
be swapped. The level is the weakest link; the weights (match_score) say what it is worth.
"""

from functools import lru_cache

from rapidfuzz.distance import OSA, Levenshtein

from electoral.registration.services.names import Token, tokens, tokens_match


def _pair_tokens(short: tuple[Token, ...], long: tuple[Token, ...]):
    """Match every token of ``short`` to a distinct token of ``long``; None if one cannot be."""
    used: set[int] = set()
    pairs = []
    for i, token in enumerate(short):
        best = None
        for j, other in enumerate(long):
            if j in used:
                continue
            how = tokens_match(token, other)
            if how and (best is None or (how != "typo" and best[1] == "typo")):
                best = (j, how)
                if how != "typo":
                    break
        if best is None:
            return None
        used.add(best[0])
        pairs.append((i, best[0], best[1]))
    return pairs


# Common names meet each other again and again in a scan: each pair of written names
# is worked out once.
@lru_cache(maxsize=500_000)
def compare_name_texts(given_a: str, family_a: str, given_b: str, family_b: str) -> tuple[str, str, list] | None:
    """(names level, layout level, reasons) for two written names, or None when they are different names."""
    ga, fa, gb, fb = tokens(given_a), tokens(family_a), tokens(given_b), tokens(family_b)
    ga, gb, joined_given = _rejoin(ga, gb)
    fa, fb, joined_family = _rejoin(fa, fb)
    all_a, all_b = ga + fa, gb + fb
    if not all_a or not all_b:
        return None
    flip = len(all_a) > len(all_b)
    short, long = (all_b, all_a) if flip else (all_a, all_b)
    if len(short) < 2 and len(long) > 1:
        return None
    pairs = _pair_tokens(short, long)
    if pairs is None:
        return None
    kinds = [how for _i, _j, how in pairs]
    if joined_given or joined_family:
        kinds.append("joined")
    if kinds.count("typo") > 1:
        return None
    # Where did the family name of the shorter name land in the longer one?
    short_given_count = len(gb if flip else ga)
    short_family = range(short_given_count, len(short))
    long_given_count = len(ga if flip else gb)
    landed = [j for i, j, _h in pairs if i in short_family]
    reasons = []
    swapped = bool(landed and all(j < long_given_count for j in landed) and len(long) > 1)
    if swapped:
        reasons.append(["swapped", {}])
    elif not any(j >= long_given_count for j in landed):
        return None
    text_a, text_b = f"{given_a} {family_a}", f"{given_b} {family_b}"
    # The level is the weakest link: a typo outweighs a script, which outweighs a spelling.
    level = next((kind for kind in ("typo", "joined", "script", "variant") if kind in kinds), "same")
    if "script" in kinds:
        reasons.append(["names_script", {"a": text_a, "b": text_b}])
    if "typo" in kinds:
        reasons.append(["typo", {"a": text_a, "b": text_b}])
    if "joined" in kinds:
        reasons.append(["names_joined", {"a": text_a, "b": text_b}])
    if "variant" in kinds and level == "variant":
        reasons.append(["names_variant", {"a": text_a, "b": text_b}])
    if level == "same":
        reasons.append(["names_same", {}])
    missing = len(short) != len(long)
    given_landed = sorted(j for i, j, _h in pairs if i < short_given_count)
    if missing and not swapped and given_landed and given_landed[0] != 0 \
            and given_landed != list(range(1, long_given_count)):
        # Names may be missing after the first given name, or the first alone: the
        # grandfather's name of a four-part name is not the person's own.
        return None
    if missing:
        reasons.append(["middle_missing", {}])
    layout = ("swapped_missing" if missing else "swapped") if swapped else ("missing" if missing else "full")
    return level, layout, reasons


def _rejoin(a: tuple[Token, ...], b: tuple[Token, ...]) -> tuple[tuple[Token, ...], tuple[Token, ...], bool]:
    """Two names of one field with a name written joined on one side and apart on the other made alike.

    Jeanbaptiste / Jean Baptiste: the two tokens become one, so the pairing sees one name each.
    """
    if len(a) == len(b) or not a or not b:
        return a, b, False
    short, long = (a, b) if len(a) < len(b) else (b, a)
    folds = {token.fold for token in short}
    for i in range(len(long) - 1):
        joined = long[i].fold + long[i + 1].fold
        merged = next((t for t in short if t.fold == joined), None) if joined in folds else _split_match(
            short, long[i], long[i + 1])
        if merged is not None:
            long = (*long[:i], merged, *long[i + 2:])
            return (short, long, True) if len(a) < len(b) else (long, short, True)
    return a, b, False


def _split_match(short: tuple[Token, ...], first: Token, second: Token) -> Token | None:
    """The Latin token of ``short`` that is ``first`` and ``second`` written joined, across scripts (Benali / بن علي)."""
    if first.arabic == second.arabic:
        for token in short:
            if token.arabic == first.arabic or len(token.fold) < 5:
                continue
            for cut in range(2, len(token.fold) - 1):
                head, tail = tokens(token.fold[:cut]), tokens(token.fold[cut:])
                if len(head) == len(tail) == 1 and tokens_match(head[0], first) and tokens_match(tail[0], second):
                    return token
    return None


# ---- first names that can be one: what blocks on a single name must have in common ----

@lru_cache(maxsize=500_000)
def first_token(text: str) -> Token | None:
    """The first token of a name (names.tokens), or None for an empty one."""
    found = tokens(text)
    return found[0] if found else None


def joined_apart(word_a: str, word_b: str) -> bool:
    """Whether one first word is the other with a name or article joined to it (Alzawi / Zawi, Jeanbaptiste / Jean)."""
    short, long = (word_a, word_b) if len(word_a) < len(word_b) else (word_b, word_a)
    return len(short) >= 3 and len(long) > len(short) and (long.startswith(short) or long.endswith(short))


@lru_cache(maxsize=200_000)
def can_be_one_name(token_a: Token | None, token_b: Token | None) -> bool:
    """Whether two first tokens can be one name: names.tokens_match, or one the other with a name joined to it.

    Alzawi / Zawi, Jeanbaptiste / Jean, and across scripts Benali / بن (بن علي). What
    people sharing only the other name must have to be compared (``near``,
    scan_pairs.block_pairs): a common first name otherwise brings thousands of people.
    """
    if token_a is None or token_b is None:
        return False
    if tokens_match(token_a, token_b) or joined_apart(token_a.fold, token_b.fold):
        return True
    if token_a.arabic == token_b.arabic:
        return False
    arabic, latin = (token_a, token_b) if token_a.arabic else (token_b, token_a)
    heads = (tokens(latin.fold[:cut]) for cut in range(2, len(latin.fold) - 1))
    return any(len(head) == 1 and tokens_match(head[0], arabic) for head in heads)


def near(name_a: str, name_b: str, skeleton_a: str, skeleton_b: str) -> bool:
    """Whether two first names could be one name with a typo (or one sound apart across scripts).

    Words one edit apart as written, or skeletons one edit apart (القذافي / Gaddafi: ق
    is written g), that can be one name (``can_be_one_name``), or one word the other
    with a name or article joined to it: in the check as in the scan (scan_pairs.block_pairs).
    """
    token_a, token_b = first_token(name_a), first_token(name_b)
    if not can_be_one_name(token_a, token_b):
        return False
    word_a, word_b = token_a.fold, token_b.fold
    if joined_apart(word_a, word_b):
        return True
    # A typo moves a skeleton by two edits at most (a vowel made a consonant): the
    # words themselves, dearer to work out, are compared only then.
    apart = Levenshtein.distance(skeleton_a, skeleton_b, score_cutoff=2)
    return apart <= 1 or (apart == 2 and OSA.distance(word_a, word_b, score_cutoff=1) <= 1)
