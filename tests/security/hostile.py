"""Hostile values, and the checks every answer to them must pass."""

import re

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Reproducible in CI: the same examples on every run, few enough to stay quick.
SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])


def quick(examples: int):
    return settings(max_examples=examples, **SETTINGS)


SCRIPT = "<script>alert(1)</script>"
NASTY = [
    SCRIPT,
    "\"><img src=x onerror=alert(1)>",
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "'; DROP TABLE voters; --",
    "1' OR '1'='1",
    "Robert'); DELETE FROM users;--",
    "\u202egnp.exe\u202c",  # a right-to-left override that turns text around
    "محمد\u202eKamara\u202c Fatu",
    "a\x00b",
    "\x00",
    "\r\n\t\x07\x1b[31m\x7f",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 \u200b\ufeff",
    "Ωmega Ελλάδα 北京 עברית",
    "../../../../etc/passwd",
    "%s%n%x{0}",
    "{{7*7}}{% raw %}",
    "=HYPERLINK(\"http://x\",\"y\")",
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1+1)",
    "-1", "0", "-0", "3.5", "1e309", "NaN", "inf", "99999999999999999999999999",
    "-2147483649", "2026-02-30", "0000-00-00", "31/12/1899",
    "", " ", "x" * 5000, "é" * 40000,
]

hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)

# What must never reach a page unescaped: markup an attacker stored would run.
_RAW_MARKUP = re.compile(r"<script>alert|<img src=x onerror|<svg onload|href=\"javascript:", re.IGNORECASE)


def raw_markup(html: str) -> str | None:
    """The first unescaped hostile tag in ``html``, or None."""
    match = _RAW_MARKUP.search(html)
    return html[max(0, match.start() - 80):match.end() + 80] if match else None


_MESSAGE = re.compile(r'class="(?:error|flash error|flash warning|card errors)"|<section class="card">\s*<h1>')


def says_why(html: str) -> bool:
    """Whether a refusal page carries a message: beside a field, in a flash, or an error page's own."""
    return bool(_MESSAGE.search(html))
