"""The one gate for redirects to a URL that came with the request (next, the referrer, a form's return address).

Only the application's own paths pass. A browser reads a Location header more
leniently than a careful parser: it drops tabs and newlines anywhere, strips
leading control characters and spaces, treats ``\\`` as ``/``, and a second
decoding pass (a proxy, or our own form round trip) turns ``%2F`` into ``/``. So
a value passes only when none of those readings could make it leave the site:
it starts with a single ``/``, carries no scheme and no host, and holds no
control character or backslash, neither as sent nor after decoding it again.
tests/security/test_redirects.py walks every redirect in the code and fails
when one takes a URL from the request without coming through here.
"""

from urllib.parse import unquote, urlsplit

from flask import redirect, request, url_for

# Decoding passes checked: ``%25252F`` is ``/`` after three. More layers than that mean nothing honest.
_DECODING_PASSES = 4


def _unsafe_reading(text: str) -> bool:
    """Whether one reading of the value could take a browser off the site."""
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c == "\\" for c in text):
        return True
    if not text.startswith("/") or text.startswith("//"):
        return True
    parts = urlsplit(text)
    return bool(parts.scheme or parts.netloc)


def local_target(value: str | None) -> str | None:
    """``value`` when it is a path on this site (with its query), else None."""
    if not value or len(value) > 2048:
        return None
    reading = value
    for _pass in range(_DECODING_PASSES):
        if _unsafe_reading(reading):
            return None
        decoded = unquote(reading)
        if decoded == reading:
            return value
        reading = decoded
    return None


def referrer_target() -> str | None:
    """The page the request came from, as a local path, when it is a page of this site."""
    referrer = request.referrer or ""
    own = urlsplit(request.host_url)
    parts = urlsplit(referrer)
    if (parts.scheme, parts.netloc) != (own.scheme, own.netloc):
        return None
    return local_target(parts.path + (f"?{parts.query}" if parts.query else ""))


def redirect_to(target: str | None, default: str, **values):
    """Redirect to ``target`` when it is a local path (see local_target), else to the endpoint ``default``."""
    return redirect(local_target(target) or url_for(default, **values))


def redirect_back(default: str, **values):
    """Redirect to the request's ``next`` (query or form) when it is local, else to the endpoint ``default``."""
    return redirect_to(request.args.get("next") or request.form.get("next"), default, **values)
