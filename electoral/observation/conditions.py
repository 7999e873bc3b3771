"""A small, safe condition language for relevance and critical flags; never eval().

    Q3 = no            AC > 20            AA1 = 2 and (AB = yes or not AC <= 5)
    ${Q3} = 'no'       selected(${Q7}, 'b')          (the XLSForm spellings)
    . <= ${ballots}    regex(., '^[0-9]{6}$')        (constraints: "." is the answer checked)

A comparison names a question on the left (or string-length() or count-selected() of
one) and a literal on the right. An
unanswered question makes every comparison about it false. A multiple-choice
answer "= x" when x is among the chosen options. The parser turns the text into a
small JSON tree; the server evaluates it here and the phone's static script
(static/js/observation.js) evaluates the same tree, so both agree. Inside a repeat,
``position(..)`` on the left is the entry's number (1 for the first). Calculations
(XLSForm's ``calculate``) are in calculations.py, re-exported here.
"""

import functools
import re
from typing import Any

from flask_babel import gettext as _

from electoral.observation.expression_values import POSITION, ConditionError
from electoral.observation.expression_values import compare as _compare

OPERATORS = ("<=", ">=", "!=", "=", "<", ">")
_TOKEN = re.compile(r"""
    \s*(?:
      (?P<ref>\$\{[A-Za-z_][A-Za-z0-9_.\-]*\})
    | (?P<op><=|>=|!=|<>|=|<|>)
    | (?P<paren>[(),])
    | (?P<string>'[^']*'|"[^"]*")
    | (?P<number>-?\d+(?:\.\d+)?(?![A-Za-z0-9_:]))
    | (?P<word>[A-Za-z0-9_:.\-]+)
    )""", re.VERBOSE)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position, text = [], 0, text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ConditionError(_("Cannot read the condition from \"%(rest)s\".", rest=text[position:]))
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "ref":
            value = value[2:-1]
        elif kind == "string":
            value = value[1:-1]
        elif kind == "op" and value == "<>":
            value = "!="
        tokens.append((kind, value))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, kind: str | None = None, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (kind and token[0] != kind) or (value and token[1].lower() != value):
            wanted = value or kind or _("more")
            found = token[1] if token else _("the end")
            raise ConditionError(_("Expected %(wanted)s, found %(found)s.", wanted=wanted, found=found))
        self.at += 1
        return token

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token and token[0] == "word" and token[1].lower() == word:
            self.at += 1
            return True
        return False

    def expression(self) -> dict:
        args = [self.conjunction()]
        while self.keyword("or"):
            args.append(self.conjunction())
        return args[0] if len(args) == 1 else {"op": "or", "args": args}

    def conjunction(self) -> dict:
        args = [self.negation()]
        while self.keyword("and"):
            args.append(self.negation())
        return args[0] if len(args) == 1 else {"op": "and", "args": args}

    def negation(self) -> dict:
        if self.keyword("not"):
            return {"op": "not", "args": [self.negation()]}
        return self.atom()

    def atom(self) -> dict:
        token = self.peek()
        if token == ("paren", "("):
            self.take()
            inner = self.expression()
            self.take("paren", ")")
            return inner
        if token and token[0] == "word" and token[1].lower() in ("selected", "regex") and \
                self.at + 1 < len(self.tokens) and self.tokens[self.at + 1] == ("paren", "("):
            function = self.take()[1].lower()
            self.take("paren", "(")
            code = self.code()
            self.take("paren", ",")
            value = self.literal()
            self.take("paren", ")")
            if function == "regex":
                if not isinstance(value, str):
                    raise ConditionError(_("regex() needs a pattern in quotes."))
                try:
                    re.compile(value)
                except re.error as exc:
                    raise ConditionError(_("The pattern %(pattern)s cannot be read.", pattern=value)) from exc
                return {"cmp": "regex", "q": code, "v": value}
            return {"cmp": "=", "q": code, "v": value}
        if token and token[0] == "word" and token[1].lower() in MEASURES and \
                self.tokens[self.at + 1:self.at + 2] == [("paren", "(")]:
            # string-length(.) <= 10, count-selected(${problems}) >= 2: a measure of the answer, compared.
            function = self.take()[1].lower()
            self.take("paren", "(")
            code = self.code()
            self.take("paren", ")")
            operator = self.take("op")[1]
            return {"cmp": operator, "q": code, "v": self.literal(), "fn": function}
        if token and token[0] == "word" and token[1].lower() == "position" and \
                self.tokens[self.at + 1:self.at + 4] == [("paren", "("), ("word", ".."), ("paren", ")")]:
            self.at += 4  # position(..): the entry's number inside a repeat
            code = POSITION
        else:
            code = self.code()
        operator = self.take("op")[1]
        return {"cmp": operator, "q": code, "v": self.literal()}

    def code(self) -> str:
        """A question named on the left: Q3, ${Q3}, or "." (the answer a constraint checks)."""
        token = self.peek()
        if token and token[0] == "ref":
            return self.take()[1]
        return self.take("word")[1]

    def literal(self) -> str | float:
        kind, value = self.take()
        if kind == "number":
            return float(value)
        if kind == "ref":
            # Another question's answer on the right: ". <= ${ballots_received}".
            return {"ref": value}
        if kind in ("string", "word"):
            return value
        raise ConditionError(_("Expected a value, found %(found)s.", found=value))


MEASURES = ("string-length", "count-selected")


def measure(function: str | None, answer: Any) -> Any:
    """The answer itself, or what string-length() / count-selected() make of it (0 when unanswered)."""
    if function is None:
        return answer
    if answer is None or answer == "" or answer == []:
        return 0
    if function == "count-selected":
        return len(answer) if isinstance(answer, list) else len(str(answer).split())
    return len(" ".join(map(str, answer)) if isinstance(answer, list) else str(answer))


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> dict | None:
    """The condition's tree, or None for an empty condition; raises ConditionError.

    Cached: every filing evaluates the same few conditions. Treat the tree as read-only.
    """
    if not (text or "").strip():
        return None
    parser = _Parser(text)
    tree = parser.expression()
    if parser.peek() is not None:
        raise ConditionError(_("Unexpected %(found)s.", found=parser.peek()[1]))
    return tree


def codes(tree: dict | None) -> set[str]:
    """Every question code the condition reads."""
    if tree is None:
        return set()
    if "cmp" in tree:
        return {tree["q"]} | ({tree["v"]["ref"]} if isinstance(tree["v"], dict) else set())
    return set().union(*(codes(arg) for arg in tree["args"]))


def choice_passes(tree: dict | None, choice: dict[str, Any], answers: dict[str, Any]) -> bool:
    """Whether a choice passes a choice_filter: names on the left are the choice's columns ("name" its value),
    ${…} on the right the answers."""
    if tree is None:
        return True
    if "cmp" in tree:
        columns = {**(choice.get("data") or {}), "name": choice.get("value")}
        literal = answers.get(tree["v"]["ref"]) if isinstance(tree["v"], dict) else tree["v"]
        return _compare(tree["cmp"], measure(tree.get("fn"), columns.get(tree["q"])), literal)
    results = (choice_passes(arg, choice, answers) for arg in tree["args"])
    if tree["op"] == "and":
        return all(results)
    if tree["op"] == "or":
        return any(results)
    return not next(results)


def references(tree: dict | None) -> set[str]:
    """The questions a choice_filter reads (its ${…} on the right)."""
    if tree is None:
        return set()
    if "cmp" in tree:
        return {tree["v"]["ref"]} if isinstance(tree["v"], dict) else set()
    return set().union(*(references(arg) for arg in tree["args"]))


def evaluate(tree: dict | None, answers: dict[str, Any], default: bool = True) -> bool:
    """True when ``answers`` meet the condition; ``default`` for an empty condition."""
    if tree is None:
        return default
    if "cmp" in tree:
        literal = answers.get(tree["v"]["ref"]) if isinstance(tree["v"], dict) else tree["v"]
        return _compare(tree["cmp"], measure(tree.get("fn"), answers.get(tree["q"])), literal)
    results = (evaluate(arg, answers) for arg in tree["args"])
    if tree["op"] == "and":
        return all(results)
    if tree["op"] == "or":
        return any(results)
    return not next(results)


from electoral.observation.calculations import (  # noqa: E402,F401  (one module for callers)
    CALC_FUNCTIONS,
    UnsupportedFunction,
    aggregated_codes,
    calculation_codes,
    compute,
    parse_calculation,
)
