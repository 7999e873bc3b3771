"""Name normalisation for matching people across spellings and scripts.

Why these rules: the same person is written "محمد عبد الله", "Mohamed Abdalla" and
"Muhammad Abdullah" by different clerks. We reduce every name token to three forms:

* ``fold``: anyascii transliteration, lower case, letters only (N'Guessan = Nguessan);
* ``skeleton``: consonants only, with sound classes merged; it is what blocking keys
  are made of, so it must be identical for every spelling of one name (it is
  deliberately coarse: محمد and محمود share it, the scorer tells them apart);
* ``form``: consonants plus the vowels a script actually writes. Arabic script writes
  only long vowels (ا و ي), which is what separates محمد (Muhammad) from محمود
  (Mahmud); Latin writes every vowel, so a Latin form is checked against an Arabic
  one slot by slot (see ``tokens_match``).
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz.distance import OSA, Levenshtein

_ARABIC = re.compile(r"[\u0600-\u06ff]")
_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]")  # short-vowel marks, tatweel
# Hamza seats, ta marbuta and alef maqsura are written differently by different clerks
# for the same name (أحمد / احمد, فاطمة / فاطمه).
# Alef maqsura (ى) is a final -a (سلمى = Salma, مصطفى = Mustafa).
_ARABIC_UNIFY = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ؤ": "و", "ئ": "ي",
                               "ء": "", "ى": "ا"})
_ARABIC_CONSONANTS = {
    "ب": "b", "ت": "t", "ث": "θ", "ج": "g", "ح": "h", "خ": "k", "د": "d", "ذ": "ð", "ر": "r",
    "ز": "s", "س": "s", "ش": "s", "ص": "s", "ض": "d", "ط": "t", "ظ": "ð", "ع": "", "غ": "g",
    "ف": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h",
}
# Ta marbuta (ة) is heard as a final -a: فاطمة = Fatima.
_ARABIC_LONG = {"ا": "a", "و": "u", "ي": "i", "ة": "a"}
# Latin spellings of one Arabic sound; digraphs first.
_LATIN_DIGRAPHS = [("dj", "j"), ("ay", "I"), ("kh", "k"), ("gh", "g"), ("sh", "s"), ("ch", "s"), ("th", "t"), ("dh", "d"),
                   ("ph", "f"), ("ck", "k"), ("ou", "U"), ("oo", "U"), ("ee", "I"), ("ie", "I"), ("ei", "I"),
                   ("aa", "A")]
_LATIN_SINGLE = str.maketrans({"q": "k", "c": "k", "z": "s", "j": "g", "x": "s", "v": "f", "p": "b",
                               "e": "a", "o": "u", "y": "i", "w": "u"})
_VOWELS = set("aiuAIU")
# "Abd al-", "Abdul", "Abdel", "Abdur": the servant-of prefix is one name with what follows.
_ABD = re.compile(r"^(abd|abdu|abdou)(al|el|ul|ol|ar|ur|as|us|an|un|ad|ud|at|ut|az|uz)?$")
_ABD_JOINED = re.compile(r"^abd(?:u|ou)?(?:al|el|ul|ol|ar|ur|as|us|an|un|ad|ud|at|ut|az|uz)?(?=[a-z]{3})")
_ARTICLES = {"al", "el", "ul", "ar", "ur", "as", "an", "ad", "at", "az"}


@dataclass(frozen=True)
class Token:
    fold: str
    skeleton: str
    form: str
    arabic: bool


def _strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _arabic_tokens(text: str) -> list[str]:
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_UNIFY)
    words = [w for w in re.split(r"[\s\-_.,'’]+", text) if w]
    out: list[str] = []
    for word in words:
        # The article ال is spelt with the word in Arabic and dropped or hyphenated in Latin.
        if word.startswith("ال") and len(word) > 3:
            word = word[2:]
        if out and out[-1] == "عبد":
            out[-1] = "عبد" + word
        elif word.startswith("عبدال") and len(word) > 6:
            out.append("عبد" + word[5:])
        else:
            out.append(word)
    return out


def _arabic_form(word: str) -> str:
    chars = []
    for i, ch in enumerate(word):
        if ch in _ARABIC_LONG:
            # Initial و and ي are consonants (Yusuf, Walid); initial ا only carries a hamza.
            if i == 0:
                chars.append({"و": "w", "ي": "y"}.get(ch, ""))
            else:
                chars.append(_ARABIC_LONG[ch])
        else:
            chars.append(_ARABIC_CONSONANTS.get(ch, anyascii(ch).lower()))
    return _collapse("".join(chars))


def _collapse(text: str) -> str:
    return re.sub(r"(.)\1+", r"\1", text)


# A capital inside a word starts another name written joined to it (AlZawi = Al-Zawi,
# JeanBaptiste = Jean-Baptiste): clerks join or part names as they please.
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")


def _latin_tokens(text: str) -> list[str]:
    folded = anyascii(_CAMEL.sub(" ", _strip_marks(text))).lower()
    # Hyphens separate names (Jean-Baptiste = Jean Baptiste); apostrophes do not (N'Guessan).
    words = [re.sub(r"[^a-z]", "", w) for w in re.split(r"[\s_.,/\-]+", folded)]
    words = [w for w in words if w]
    out: list[str] = []
    for index, word in enumerate(words):
        # al-/el- before a name is the article, written or not by different clerks.
        if word in _ARTICLES and index + 1 < len(words):
            if out and _ABD.match(out[-1]):
                out[-1] = "abd"
            continue
        if out and _ABD.match(out[-1]):
            out[-1] = "abd" + word
            continue
        word = _ABD_JOINED.sub("abd", word) if word.startswith("abd") else word
        out.append(word)
    return out


def _latin_form(word: str, digraphs: list[tuple[str, str]] | None = None) -> str:
    if word.startswith("y"):
        word = "Y" + word[1:]
    elif word.startswith("w"):
        word = "W" + word[1:]
    for digraph, sound in _LATIN_DIGRAPHS if digraphs is None else digraphs:
        word = word.replace(digraph, sound)
    word = word.translate(_LATIN_SINGLE).replace("Y", "y").replace("W", "w")
    return _collapse(word)


def _skeleton(form: str) -> str:
    # Consonants only; a final h is a ta marbuta or a silent ending (Fatimah, Abdallah).
    # θ and ð (ث, ذ, ظ) are written t/s and d/s in Latin: blocking uses their commonest spelling.
    # g and k (and q, c) are one class: ق is said g in much of North Africa (المقريف = Magariaf).
    skeleton = _collapse("".join(c for c in form.lower() if c not in "aiuwy").replace("θ", "t").replace("ð", "d")
                         .replace("g", "k"))
    if len(skeleton) > 1 and skeleton.endswith("h"):
        skeleton = skeleton[:-1]
    return skeleton or form.lower()[:1]


@lru_cache(maxsize=200_000)
def tokens(text: str | None) -> tuple[Token, ...]:
    """The name split into matching tokens, in the order written."""
    if not text:
        return ()
    if _ARABIC.search(text):
        return tuple(map(_arabic_token, _arabic_tokens(text)))
    return tuple(map(_latin_token, _latin_tokens(text)))


# A roll's tens of thousands of distinct names are made of a few thousand words: each word's
# token is worked out once (a word's token depends on the word alone, once split off).
@lru_cache(maxsize=200_000)
def _arabic_token(word: str) -> Token:
    form = _arabic_form(word)
    return Token(anyascii(word).lower(), _skeleton(form), form, True)


@lru_cache(maxsize=200_000)
def _latin_token(word: str) -> Token:
    form = _latin_form(word)
    return Token(word, _skeleton(form), form, False)


def _slots(form: str) -> tuple[str, list[str]]:
    """Consonants, and the vowels written in each gap between them (gap 0 before the first)."""
    consonants, gaps, current = [], [], ""
    for ch in form:
        if ch in _VOWELS:
            current += ch
        else:
            consonants.append(ch.lower())
            gaps.append(current)
            current = ""
    gaps.append(current)
    if len(consonants) > 1 and consonants[-1] == "h" and not gaps[-1]:
        # A final h is silent or a ta marbuta: Fatimah = Fatima, Abdallah = عبد الله.
        consonants.pop()
        gaps.pop()
    return "".join(consonants), gaps


def _cross_script(arabic: str, latin: str) -> bool:
    a_cons, a_gaps = _slots(arabic)
    l_cons, l_gaps = _slots(latin)
    # ق is said g in much of North Africa (القذافي = Gaddafi); ث is written th, t or s
    # (عثمان = Othman, Osman), ذ and ظ dh, d or z; w and y are half vowels.
    fold = str.maketrans({"g": "k", "y": None, "w": None})
    a_cons, l_cons = a_cons.translate(fold), l_cons.translate(fold)
    if len(a_cons) != len(l_cons) or len(a_gaps) != len(l_gaps):
        return False
    sounds = {"θ": "ts", "ð": "ds"}
    if any(a != b and b not in sounds.get(a, "") for a, b in zip(a_cons, l_cons, strict=True)):
        return False
    last = len(a_gaps) - 1
    a_long = any(a_gaps)
    for index, (a_gap, l_gap) in enumerate(zip(a_gaps, l_gaps, strict=True)):
        a_vowel = a_gap.lower()[:1]
        if len(a_gap) > 1 and not _in_order(a_gap.lower(), l_gap.lower()):
            # Every long vowel Arabic writes must be heard in the Latin (الزوي is not Sow).
            return False
        if a_vowel and a_vowel not in l_gap.lower():
            # A final ي is often written for ى (مصطفي = Mustafa).
            if index == last and a_vowel == "i" and "a" in l_gap.lower():
                continue
            # Arabic writes a long vowel here (محمود: the و); Latin must have one too.
            return False
        if not a_vowel and index == last - 1 and len(a_cons) >= 3 and any(c.isupper() for c in l_gap):
            # Latin writes a long vowel (ou, ee, aa) in the last syllable where Arabic has
            # none: Mahmoud is not محمد. Elsewhere French spelling writes any u as ou
            # (Moustafa = مصطفى), so only the last syllable, where the patterns of
            # Mahmud, Masud, Mabruk put their long vowel, is held to it.
            return False
        if not a_vowel and index == last - 1 and len(a_cons) >= 3 and l_gap[:1] == "u" and not a_long:
            # Written with a single u, the long vowel of Mahmud is still the و of محمود:
            # an Arabic name that writes no long vowel at all (محمد, أحمد) has a short
            # a or i there (Muhammad, Ahmad), never u. Names that write one elsewhere
            # keep a short u in the last syllable (يوسف = Yusuf, يونس = Yunus).
            return False
    return True


def _in_order(letters: str, text: str) -> bool:
    """True when ``letters`` appear in ``text`` in the same order."""
    rest = iter(text)
    return all(letter in rest for letter in letters)


def _latin_variant(a: str, b: str) -> bool:
    """Two Latin spellings of one name: same consonants, vowels in the same places.

    Short vowels vary freely between spellings (Ben/Bin, Tarek/Tariq, Yousef/Yusuf);
    a long vowel (ou, ee) must keep its quality (Hassan is not Hussein). One vowel may
    be dropped (Fatima/Fatma) only if every other vowel agrees, which keeps Mohamed
    apart from Mahmud.
    """
    a_cons, a_gaps = _slots(a)
    b_cons, b_gaps = _slots(b)
    if a_cons != b_cons or len(a_gaps) != len(b_gaps):
        return False
    presence = quality = 0
    for a_gap, b_gap in zip(a_gaps, b_gaps, strict=True):
        if bool(a_gap) != bool(b_gap):
            presence += 1
        elif a_gap and a_gap[0].lower() != b_gap[0].lower():
            if a_gap[0].isupper() or b_gap[0].isupper():
                return False
            quality += 1
    return presence == 0 or (presence == 1 and quality == 0 and len(a_cons) >= 3)


def tokens_match(a: Token, b: Token) -> str | None:
    """How two name tokens match ("same", "variant", "script", "joined", "typo"), or None."""
    if a.fold == b.fold:
        return "same"
    return _tokens_match(a, b)


# A roll has a few thousand distinct name tokens met millions of times in a scan.
@lru_cache(maxsize=1_000_000)
def _tokens_match(a: Token, b: Token) -> str | None:
    if a.fold == b.fold:
        return "same"
    if a.arabic != b.arabic:
        arabic, latin = (a, b) if a.arabic else (b, a)
        if _cross_script(arabic.form, latin.form):
            return "script"
        if any(pair in latin.fold for pair in ("th", "dh")) and _cross_script(arabic.form, _latin_form(
                latin.fold, [(d, s) for d, s in _LATIN_DIGRAPHS if d not in ("th", "dh")])):
            # th and dh are also two letters (فتحي = Fathi: ت then ح).
            return "script"
        if latin.fold[:2] in _ARTICLES and len(latin.fold) >= 5 and _cross_script(arabic.form, _latin_form(latin.fold[2:])):
            # The article written joined in Latin (Alhassi = الحاسي), which Arabic spells with the name.
            return "joined"
        return None
    if a.form == b.form or (not a.arabic and _latin_variant(a.form, b.form)):
        return "variant"
    if a.arabic:
        # One letter apart (as written: ممد / محمد) is a typo only when the letter is a
        # consonant: adding a long vowel turns محمد into محمود, a different name.
        if min(len(a.fold), len(b.fold)) >= 3 and OSA.distance(a.fold, b.fold, score_cutoff=1) == 1:
            changed = {a.fold[op.src_pos] for op in Levenshtein.editops(a.fold, b.fold) if op.tag != "insert"}
            changed |= {b.fold[op.dest_pos] for op in Levenshtein.editops(a.fold, b.fold) if op.tag != "delete"}
            if not changed & _ARABIC_LONG_FOLDS:
                return "typo"
        return None
    if _joined_article(a.fold, b.fold) or _joined_article(b.fold, a.fold):
        return "joined"
    # Latin: one letter wrong, missing, added, or two letters swapped (Dool / Dolo,
    # Alhaj / Alahj); three-letter names must agree exactly (Ali / Ari are different
    # names), and the vowel pattern must not change the name.
    if min(len(a.fold), len(b.fold)) >= 4 and OSA.distance(a.fold, b.fold, score_cutoff=1) == 1:
        return "typo"
    if (min(len(a.fold), len(b.fold)) >= 5 and OSA.distance(a.skeleton, b.skeleton, score_cutoff=1) <= 1
            and OSA.distance(_plain_form(a.form), _plain_form(b.form), score_cutoff=2) <= 1):
        # A slip on top of another spelling (Gaddafi / Qaddaif, Mustafa / Moustaa): one
        # edit apart once spelling habits are set aside (ou = u, q = k, e = a).
        return "typo"
    return None


_ARABIC_LONG_FOLDS = {"a", "w", "y"}  # anyascii of ا و ي


def _plain_form(form: str) -> str:
    return form.lower().replace("g", "k")


def _joined_article(joined: str, bare: str) -> bool:
    """``alzawi`` against ``zawi``: the article written joined to the name on one record only."""
    return len(bare) >= 3 and len(joined) == len(bare) + 2 and joined[:2] in _ARTICLES and joined.endswith(bare)


def block_skeleton(text: str | None, last: bool = False) -> str:
    """The skeleton of a name's first (or last) token: what blocking keys are built from."""
    found = tokens(text)
    if not found:
        return ""
    return (found[-1] if last else found[0]).skeleton


def display_fold(text: str | None) -> str:
    """A Latin, accent-free lower-case form used to sort and search names."""
    return " ".join(t.fold for t in tokens(text)) if text else ""
