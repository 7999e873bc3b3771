"""Every string of the interface is marked, and every catalogue translates all of them."""

import re
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["fr", "ar", "es", "pt"]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "lazy_ngettext": (1, 2), "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}


def _source_messages() -> set[tuple[str | None, str]]:
    """(context, message) pairs: one English word may need two translations."""
    method_map = [("electoral/**.py", "python"), ("electoral/**/templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, keywords=KEYWORDS, options_map={}):
        found.add((context, message[0] if isinstance(message, tuple) else message))
    return found


@pytest.fixture(scope="module")
def source_messages():
    return _source_messages()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_translates_every_message(lang, source_messages):
    path = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
    assert path.exists(), f"no catalogue for {lang}"
    catalog = read_po(BytesIO(path.read_bytes()))
    translated = {}
    fuzzy = []
    for message in catalog:
        if not message.id:
            continue
        key = (message.context, message.id[0] if isinstance(message.id, tuple) else message.id)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            fuzzy.append(key)
        if all(strings):
            translated[key] = strings
    missing = sorted(source_messages - set(translated), key=lambda pair: (pair[0] or "", pair[1]))
    assert fuzzy == [], f"{lang}: fuzzy entries {fuzzy[:10]}"
    assert missing == [], f"{lang}: {len(missing)} untranslated, e.g. {missing[:10]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders(lang):
    path = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
    catalog = read_po(BytesIO(path.read_bytes()))
    placeholder = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")
    wrong = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(placeholder.findall(ids[-1])) | set(placeholder.findall(ids[0]))
        for text in strings:
            named = {p for p in placeholder.findall(text) if "(" in p}
            if named - wanted or ({p for p in wanted if "(" in p and p != "%(num)d" and p != "%(num)s"} - named):
                wrong.append((ids[0], text))
    assert wrong == []


# ---- templates: no user-visible text left unmarked ----------------------------------

_JINJA = re.compile(r"{%-?\s*trans\b.*?endtrans\s*-?%}|{{.*?}}|{%.*?%}|{#.*?#}", re.S)
_VISIBLE_ATTRIBUTES = {"placeholder", "title", "alt", "aria-label", "value"}
# Typography that is the same in every language.
_NEUTRAL = re.compile(r"^[\s·›‹|/#,.:;()\-–—×%0-9]*$")


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):
            self._skip += 1
        for name, value in attrs:
            if name in _VISIBLE_ATTRIBUTES and value and not _NEUTRAL.match(value):
                if name == "value" and dict(attrs).get("type") not in ("submit", "button"):
                    continue
                self.found.append(f'{name}="{value}"')

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and not _NEUTRAL.match(data):
            self.found.append(data.strip())


def _templates():
    return sorted((ROOT / "electoral").glob("**/templates/**/*.html"))


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(ROOT / "electoral")))
def test_template_has_no_unmarked_text(template):
    source = template.read_text(encoding="utf-8")
    # Replace Jinja with a neutral token so it neither counts as text nor joins words.
    stripped = _JINJA.sub(" ", source)
    collector = _TextCollector()
    collector.feed(stripped)
    assert collector.found == [], f"unmarked text in {template.name}: {collector.found[:5]}"
