"""Calculations (XLSForm's ``calculate``): a value computed from the answers, by the server here and by the phone's
script (static/js/observation.js, compute()) from the same JSON tree.

    ${ballots_cast} - ${ballots_valid}          ${a} * 2 div 3          coalesce(${late}, 0)
    if(${queue} > 100 and ${staff} < 3, 'slow', 'ok')
    count(${party_agents})                      position(..)       (inside a repeat: the entry's number)
    sum(${counted})    max(${counted})    min(${counted})       (a repeat's question, over its entries)
    concat(${a}, ' ', ${b})    round(${a} div 3, 1)    int(${a})    string-length(${t})    count-selected(${m})

The subset: numbers, 'strings', ${refs}, + - * div mod, unary minus, if(test, a, b),
coalesce(a, b), count(${repeat}), position(..), sum/max/min(${question in a repeat}),
concat(...), round(x[, digits]) (halves up, as XPath), int(x) (towards zero),
string-length(x), count-selected(x); a test is a comparison joined by and/or/not().
Any other function is refused by name (UnsupportedFunction). A value that cannot be
computed (an operand unanswered, a division by zero) is None: unanswered.
"""

import functools
import math
import re
from typing import Any

from flask_babel import gettext as _

from electoral.observation.expression_values import POSITION, ConditionError
from electoral.observation.expression_values import compare as _compare
from electoral.observation.expression_values import number as _number

CALC_FUNCTIONS = ("if", "coalesce", "not", "count", "position", "sum", "max", "min", "concat", "round", "int",
                  "string-length", "count-selected")
AGGREGATES = ("sum", "max", "min")  # over the entries of a repeat: their one argument is a question inside it
# Functions of values: (fewest, most) arguments.
_ARITY = {"if": (3, 3), "coalesce": (2, 2), "concat": (1, 30), "round": (1, 2), "int": (1, 1),
          "string-length": (1, 1), "count-selected": (1, 1)}
_CALC_TOKEN = re.compile(r"""
    \s*(?:
      (?P<ref>\$\{[A-Za-z_][A-Za-z0-9_.\-]*\})
    | (?P<op><=|>=|!=|=|<|>)
    | (?P<ar>[+\-*])
    | (?P<paren>[(),])
    | (?P<string>'[^']*'|"[^"]*")
    | (?P<parent>\.\.)
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
        if (kind, text) == ("word", "position") and self.tokens[self.at + 1:self.at + 4] == [
                ("paren", "("), ("parent", ".."), ("paren", ")")]:
            self.at += 4
            return {"fn": "position"}
        if text in ("count", *AGGREGATES) and kind == "word" and self.peek(1) == ("paren", "(") and \
                (self.peek(2) or ("",))[0] == "ref" and self.peek(3) == ("paren", ")"):
            self.at += 2
            tree = {"fn": text, "ref": self.take("ref")}
            self.take("paren", ")")
            return tree
        if kind == "word" and self.peek(1) == ("paren", "("):
            if text not in _ARITY:
                raise UnsupportedFunction(text)
            self.at += 2
            args = [self.test() if text == "if" else self.value()]
            while self.peek() == ("paren", ","):
                self.at += 1
                args.append(self.value())
            self.take("paren", ")")
            fewest, most = _ARITY[text]
            if not fewest <= len(args) <= most:
                raise ConditionError(_("%(function)s() takes %(n)d values.", function=text, n=most))
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
    """Every question (or repeat, for count()) a calculation reads; position(..) reads the entry's number."""
    if tree is None or "n" in tree or "s" in tree:
        return set()
    if tree.get("fn") == "position":
        return {POSITION}
    if "ref" in tree:
        return {tree["ref"]}
    return set().union(*(calculation_codes(arg) for arg in tree["args"]))


def aggregated_codes(tree: dict | None) -> set[str]:
    """The questions a calculation reads over a repeat's entries (sum, max, min): they may be inside one."""
    if tree is None or "n" in tree or "s" in tree:
        return set()
    if tree.get("fn") in AGGREGATES:
        return {tree["ref"]}
    return set().union(*(aggregated_codes(arg) for arg in tree.get("args", [])))


def _text(value: Any) -> str:
    """A value as concat() writes it: nothing for unanswered, choices joined by spaces, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(map(str, value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


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
    elif tree.get("fn") == "position":
        return answers.get(POSITION)
    elif tree.get("fn") == "count":
        entries = answers.get(tree["ref"])
        return len(entries) if isinstance(entries, list) else 0
    elif tree.get("fn") in AGGREGATES:
        # The question's answers in every entry of the repeats among the answers (lists of entries).
        found = [_number(entry.get(tree["ref"])) for entries in answers.values() if isinstance(entries, list)
                 for entry in entries if isinstance(entry, dict) and entry.get(tree["ref"]) not in (None, "")]
        numbers = [n for n in found if n is not None]
        if tree["fn"] == "sum":
            value = sum(numbers)
        elif not numbers:
            return None
        else:
            value = max(numbers) if tree["fn"] == "max" else min(numbers)
    elif tree.get("fn") in ("concat", "string-length", "count-selected"):
        values = [compute(arg, answers) for arg in tree["args"]]
        if tree["fn"] == "count-selected":
            chosen = values[0]
            return len(chosen) if isinstance(chosen, list) else len(str(chosen).split()) if chosen else 0
        text = "".join(_text(v) for v in values)
        return len(text) if tree["fn"] == "string-length" else text
    elif tree.get("fn") in ("round", "int"):
        number = _number(compute(tree["args"][0], answers))
        digits = _number(compute(tree["args"][1], answers)) if len(tree["args"]) > 1 else 0
        if number is None or digits is None:
            return None
        if tree["fn"] == "int":
            value = math.trunc(number)
        else:  # XPath's round: halves go up (2.5 -> 3, -2.5 -> -2), with as many digits as asked
            scale = 10 ** int(digits)
            value = math.floor(number * scale + 0.5) / scale
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
