"""A small, safe condition language for relevance and critical flags; never eval().

    Q3 = no            AC > 20            AA1 = 2 and (AB = yes or not AC <= 5)
    ${Q3} = 'no'       selected(${Q7}, 'b')          (the XLSForm spellings)
    . <= ${ballots}    regex(., '^[0-9]{6}$')        (constraints: "." is the answer checked)

A comparison names a question on the left and a literal on the right. An
unanswered question makes every comparison about it false. A multiple-choice
answer "= x" when x is among the chosen options. The parser turns the text into a
small JSON tree; the server evaluates it here and the phone's static script
(static/js/observation.js) evaluates the same tree, so both agree.
"""

import functools
import math
import re
from typing import Any

from flask_babel import gettext as _

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


class ConditionError(ValueError):
    """The condition cannot be parsed."""


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


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _compare(operator: str, answer: Any, literal: Any) -> bool:
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
    left, right = _number(answer), _number(literal)
    if left is None or right is None:
        left, right = str(answer), str(literal)
        if operator in ("=", "!="):
            left, right = left.lower(), right.lower()
    return {
        "=": left == right, "!=": left != right, "<": left < right,
        "<=": left <= right, ">": left > right, ">=": left >= right,
    }[operator]


def choice_passes(tree: dict | None, choice: dict[str, Any], answers: dict[str, Any]) -> bool:
    """Whether a choice passes a choice_filter: names on the left are the choice's columns ("name" its value),
    ${…} on the right the answers."""
    if tree is None:
        return True
    if "cmp" in tree:
        columns = {**(choice.get("data") or {}), "name": choice.get("value")}
        literal = answers.get(tree["v"]["ref"]) if isinstance(tree["v"], dict) else tree["v"]
        return _compare(tree["cmp"], columns.get(tree["q"]), literal)
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
        return _compare(tree["cmp"], answers.get(tree["q"]), literal)
    results = (evaluate(arg, answers) for arg in tree["args"])
    if tree["op"] == "and":
        return all(results)
    if tree["op"] == "or":
        return any(results)
    return not next(results)


# ---- calculations (XLSForm's `calculate`): a value computed from the answers -------------------
#
#     ${ballots_cast} - ${ballots_valid}          ${a} * 2 div 3          coalesce(${late}, 0)
#     if(${queue} > 100 and ${staff} < 3, 'slow', 'ok')
#
# The subset the phone's script (static/js/observation.js, compute()) evaluates alike: numbers,
# 'strings', ${refs}, + - * div mod, unary minus, if(test, a, b), coalesce(a, b); a test is a
# comparison joined by and/or/not(). Any other function is refused by name (UnsupportedFunction).
# A value that cannot be computed (an operand unanswered, a division by zero) is None: unanswered.
CALC_FUNCTIONS = ("if", "coalesce", "not")
_CALC_TOKEN = re.compile(r"""
    \s*(?:
      (?P<ref>\$\{[A-Za-z_][A-Za-z0-9_.\-]*\})
    | (?P<op><=|>=|!=|=|<|>)
    | (?P<ar>[+\-*])
    | (?P<paren>[(),])
    | (?P<string>'[^']*'|"[^"]*")
    | (?P<number>\d+(?:\.\d+)?|\.\d+)
    | (?P<word>[A-Za-z_][A-Za-z0-9_:\-]*)
    )\s*""", re.VERBOSE)


class UnsupportedFunction(ConditionError):
    """A calculation calls a function outside the subset: its name, for the refusal."""

    def __init__(self, function: str):
        super().__init__(_("The function %(function)s() is not supported in a calculation.", function=function))
        self.function = function


class _CalcParser:
    def __init__(self, text: str):
        self.tokens, position, text = [], 0, text.strip()
        while position < len(text):
            match = _CALC_TOKEN.match(text, position)
            if not match or match.end() == position:
                raise ConditionError(_("Cannot read the condition from \"%(rest)s\".", rest=text[position:]))
            kind = match.lastgroup
            value = match.group(kind)
            self.tokens.append((kind, value[2:-1] if kind == "ref" else value[1:-1] if kind == "string" else value))
            position = match.end()
        self.at = 0

    def peek(self, ahead: int = 0) -> tuple[str, str] | None:
        return self.tokens[self.at + ahead] if self.at + ahead < len(self.tokens) else None

    def take(self, kind: str, value: str | None = None) -> str:
        token = self.peek()
        if token is None or token[0] != kind or (value is not None and token[1] != value):
            raise ConditionError(_("Expected %(wanted)s, found %(found)s.", wanted=value or kind,
                                   found=token[1] if token else _("the end")))
        self.at += 1
        return token[1]

    def word(self, word: str) -> bool:
        if self.peek() == ("word", word):
            self.at += 1
            return True
        return False

    def value(self) -> dict:
        tree = self.term()
        while self.peek() in (("ar", "+"), ("ar", "-")):
            tree = {"ar": self.take("ar"), "args": [tree, self.term()]}
        return tree

    def term(self) -> dict:
        tree = self.unary()
        while self.peek() == ("ar", "*") or self.peek() in (("word", "div"), ("word", "mod")):
            tree = {"ar": self.take(self.peek()[0]), "args": [tree, self.unary()]}
        return tree

    def unary(self) -> dict:
        if self.peek() == ("ar", "-"):
            self.at += 1
            return {"ar": "-", "args": [{"n": 0}, self.unary()]}
        return self.primary()

    def primary(self) -> dict:
        kind, text = self.peek() or ("end", "")
        if kind == "number":
            self.at += 1
            return {"n": float(text)}
        if kind == "string":
            self.at += 1
            return {"s": text}
        if kind == "ref":
            self.at += 1
            return {"ref": text}
        if (kind, text) == ("paren", "("):
            self.at += 1
            inner = self.value()
            self.take("paren", ")")
            return inner
        if kind == "word" and self.peek(1) == ("paren", "("):
            if text not in ("if", "coalesce"):
                raise UnsupportedFunction(text)
            self.at += 2
            args = [self.test() if text == "if" else self.value()]
            while self.peek() == ("paren", ","):
                self.at += 1
                args.append(self.value())
            self.take("paren", ")")
            if len(args) != (3 if text == "if" else 2):
                raise ConditionError(_("%(function)s() takes %(n)d values.", function=text, n=3 if text == "if" else 2))
            return {"fn": text, "args": args}
        raise ConditionError(_("Expected a value, found %(found)s.", found=text or _("the end")))

    def test(self) -> dict:
        args = [self.test_and()]
        while self.word("or"):
            args.append(self.test_and())
        return args[0] if len(args) == 1 else {"op": "or", "args": args}

    def test_and(self) -> dict:
        args = [self.test_atom()]
        while self.word("and"):
            args.append(self.test_atom())
        return args[0] if len(args) == 1 else {"op": "and", "args": args}

    def test_atom(self) -> dict:
        if self.peek() == ("word", "not") and self.peek(1) == ("paren", "("):
            self.at += 2
            inner = self.test()
            self.take("paren", ")")
            return {"op": "not", "args": [inner]}
        if self.peek() == ("paren", "("):
            start = self.at  # "(a > 1 or b > 2)" groups tests; "(a + 1) > 2" is a value: try the first
            self.at += 1
            try:
                inner = self.test()
                self.take("paren", ")")
                if self.peek() is None or self.peek()[0] != "op":
                    return inner
            except ConditionError:
                pass
            self.at = start
        left = self.value()
        return {"test": self.take("op"), "args": [left, self.value()]}


@functools.lru_cache(maxsize=1024)
def parse_calculation(text: str) -> dict | None:
    """The calculation's tree, or None for an empty one; raises ConditionError (UnsupportedFunction by name)."""
    if not (text or "").strip():
        return None
    parser = _CalcParser(text)
    tree = parser.value()
    if parser.peek() is not None:
        raise ConditionError(_("Unexpected %(found)s.", found=parser.peek()[1]))
    return tree


def calculation_codes(tree: dict | None) -> set[str]:
    """Every question a calculation reads."""
    if tree is None or "n" in tree or "s" in tree:
        return set()
    if "ref" in tree:
        return {tree["ref"]}
    return set().union(*(calculation_codes(arg) for arg in tree["args"]))


def _tested(tree: dict, answers: dict[str, Any]) -> bool:
    if "test" in tree:
        return _compare(tree["test"], compute(tree["args"][0], answers), compute(tree["args"][1], answers))
    results = (_tested(arg, answers) for arg in tree["args"])
    if tree["op"] == "and":
        return all(results)
    if tree["op"] == "or":
        return any(results)
    return not next(results)


def compute(tree: dict | None, answers: dict[str, Any]) -> Any:
    """The calculation's value from the answers: a number (int when whole), a text, or None."""
    if tree is None:
        return None
    if "n" in tree:
        value = tree["n"]
    elif "s" in tree:
        return tree["s"]
    elif "ref" in tree:
        value = answers.get(tree["ref"])
        return None if value in ("", []) else value
    elif tree.get("fn") == "if":
        return compute(tree["args"][1 if _tested(tree["args"][0], answers) else 2], answers)
    elif tree.get("fn") == "coalesce":
        first = compute(tree["args"][0], answers)
        return first if first not in (None, "") else compute(tree["args"][1], answers)
    else:
        left, right = (_number(compute(arg, answers)) for arg in tree["args"])
        if left is None or right is None or (tree["ar"] in ("div", "mod") and right == 0):
            return None
        value = {"+": lambda: left + right, "-": lambda: left - right, "*": lambda: left * right,
                 "div": lambda: left / right, "mod": lambda: math.fmod(left, right)}[tree["ar"]]()
    return int(value) if float(value).is_integer() else value
