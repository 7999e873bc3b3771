"""Rules for accounts: creating users, passwords, roles, scope, sign-in."""

import datetime as dt
import hashlib
import math
import re
import secrets
from collections.abc import Callable
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import format_timedelta
from flask_babel import gettext as _
from sqlalchemy import Select, delete, or_, select
from sqlalchemy.orm import Session

from electoral.accounts import throttle
from electoral.accounts.models import User, UserRole, UserSession
from electoral.core import locks
from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.geography import services as geography
from electoral.geography.models import District, PollingCentre, PollingStation, Region

MIN_PASSWORD_LENGTH = 12
# zxcvbn's estimate below which a password falls to an online guessing attack (score 0-1: < 10^6 guesses).
MIN_PASSWORD_SCORE = 2
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
_hasher = PasswordHasher()
# Verified against when the username is unknown, so a wrong username takes
# as long as a wrong password and does not reveal which accounts exist. Made on
# first use: hashing costs ~0.5 s of CPU, which every process (each command) paid on import.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash("not-a-real-password")
    return _DUMMY_HASH


def hash_password(password: str) -> str:
    """The stored form of a password (an account's, an observer's device password): Argon2id."""
    return _hasher.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    """Whether ``password`` is the one ``stored_hash`` (made by ``hash_password``) was made from.

    Device passwords made before they were hashed here were hashed by Werkzeug (scrypt or
    pbkdf2, "method:params$salt$hash"): those are still checked, so a phone already set up
    keeps working until its password is made again.
    """
    if stored_hash.startswith(("scrypt:", "pbkdf2:")):
        from werkzeug.security import check_password_hash

        return check_password_hash(stored_hash, password)
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _common_passwords() -> frozenset[str]:
    # The 30,000 most common passwords of public breaches, as shipped with zxcvbn.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password_policy(password: str, username: str = "", full_name: str = "") -> None:
    """Refuse short passwords, common or easily guessed ones, and the username."""
    from zxcvbn import zxcvbn

    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(_("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))
    if username and password.strip().lower() == username.strip().lower():
        problems.append(_("The password must not be the username."))
    elif password.lower() in _common_passwords() or (
            len(password) >= MIN_PASSWORD_LENGTH
            and zxcvbn(password, user_inputs=[u for u in (username, full_name) if u])["score"] < MIN_PASSWORD_SCORE):
        problems.append(_("This password is too common or too easy to guess. Use a few unrelated words."))
    if problems:
        raise ValidationFailed({"password": problems})


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def create_user(session: Session, username: str, password: str, roles: list[Role],
                full_name: str = "", scope_code: str | None = None, locale: str | None = None) -> User:
    """Create an active user with roles and an optional scope (a region, district or centre code)."""
    username = normalise_username(username)
    if not USERNAME_PATTERN.match(username):
        raise ValidationFailed({"username": [_(
            "Use 2 to 80 lower-case letters, digits, dots, dashes or underscores.")]})
    if session.scalar(select(User.id).where(User.username == username)):
        raise ValidationFailed({"username": [_("The username %(name)s is taken.", name=username)]})
    if not roles:
        raise ValidationFailed({"roles": [_("Give the user at least one role.")]})
    check_password_policy(password, username, full_name)
    user = User(username=username, full_name=full_name.strip(), password_hash=hash_password(password),
                locale=locale, active=True, session_version=1)
    set_roles(user, roles)
    set_scope(session, user, scope_code)
    check_station_scope(user)
    # Checked above, but another administrator may have taken the name since.
    locks.insert_once(session, user, {"username": [_("The username %(name)s is taken.", name=username)]})
    return user


def set_roles(user: User, roles: list[Role]) -> None:
    """Replace the user's roles."""
    if not roles:
        raise ValidationFailed({"roles": [_("Give the user at least one role.")]})
    wanted = {Role(r) for r in roles}
    user.role_links = [link for link in user.role_links if Role(link.role) in wanted]
    have = {Role(link.role) for link in user.role_links}
    for role in sorted(wanted - have):
        user.role_links.append(UserRole(role=role.value))


def set_scope(session: Session, user: User, scope_code: str | None) -> None:
    """Limit the user to a region, district, polling centre or polling station; an empty code means national."""
    user.scope_region = user.scope_district = user.scope_centre = user.scope_station = None
    code = (scope_code or "").strip().upper()
    if not code:
        return
    area = geography.find_any_by_code(session, code)
    if isinstance(area, Region):
        user.scope_region = area
    elif isinstance(area, District):
        user.scope_district = area
    elif isinstance(area, PollingCentre):
        user.scope_centre = area
    elif isinstance(area, PollingStation):
        user.scope_station = area
    else:
        raise ValidationFailed({"scope": [_(
            "No region, district, polling centre or polling station has the code %(code)s.", code=code)]})


def check_station_scope(user: User) -> None:
    """A presiding officer holds that role alone and one polling station's scope; only they hold a station's."""
    # Alone: the role exists so that polling staff can send their sheet's photo and nothing else;
    # another role beside it would open that role's pages to the station's staff account.
    if Role.PRESIDING_OFFICER in user.roles:
        if user.roles != {Role.PRESIDING_OFFICER}:
            raise ValidationFailed({"roles": [_("A presiding officer holds no other role.")]})
        if user.scope_station is None:
            raise ValidationFailed({"scope": [_("Give a presiding officer the code of their polling station.")]})
    elif user.scope_station is not None:
        # Pages other roles use list a region, district or centre; a station is polling staff's scope only.
        raise ValidationFailed({"scope": [_("Only a presiding officer is scoped to one polling station.")]})


def set_password(user: User, password: str) -> None:
    """Change the password and end every session opened with the old one."""
    check_password_policy(password, user.username, user.full_name)
    user.password_hash = hash_password(password)
    user.session_version += 1


def end_all_sessions(user: User) -> None:
    """Sign the user out on every device: every session cookie names the old version."""
    user.session_version += 1


def set_active(user: User, active: bool) -> None:
    """Activate or deactivate; deactivation ends the user's sessions at once."""
    if user.active and not active:
        user.session_version += 1
    user.active = active


def _password_matches(user: User | None, password: str) -> bool:
    return password_matches(user.password_hash if user else _dummy_hash(), password) and user is not None


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with that username and password, or None."""
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    if not _password_matches(user, password) or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


class SignInRefused(Exception):
    """Sign-in refused; ``message`` says why, in the user's language; ``wait_seconds`` when throttled."""

    def __init__(self, message: str, wait_seconds: float | None = None):
        super().__init__(message)
        self.message = message
        self.wait_seconds = wait_seconds


# Other domains' conditions on signing in: each returns a translated reason to refuse, or None.
SignInCheck = Callable[[Session, User], str | None]
_sign_in_checks: list[SignInCheck] = []


def register_sign_in_check(check: SignInCheck) -> SignInCheck:
    """Add a condition every sign-in must meet (used as a decorator by the domain that owns it)."""
    if check not in _sign_in_checks:
        _sign_in_checks.append(check)
    return check


def too_many_attempts(seconds: float) -> str:
    """The throttled answer: the same words whether or not the username exists."""
    wait = dt.timedelta(seconds=max(1, math.ceil(seconds)))
    return _("Too many failed sign-in attempts. Try again in %(wait)s.",
             wait=format_timedelta(wait, threshold=1.5))


def landing_endpoint(user: User) -> str:
    """Where a user lands after signing in: an observer's day is their station, everyone else's the home page."""
    return "observation.my_station" if set(user.roles) == {Role.OBSERVER} else "core.index"


def sign_in(session: Session, username: str, password: str, address: str,
            policies: throttle.Policies, now: dt.datetime) -> User:
    """The user signing in from ``address``, or SignInRefused (wrong or unknown; or throttled, with the wait).

    Commits the session once the attempt is counted (see throttle.admit), before the
    password is checked; the caller commits again in both cases.
    """
    name = normalise_username(username)
    try:
        admission = throttle.admit(session, name, address, policies, now)
    except throttle.Throttled as throttled:
        session.commit()
        # Answered before any password check: known and unknown names alike, and no hashing for the guesser.
        raise SignInRefused(too_many_attempts(throttled.seconds), wait_seconds=throttled.seconds) from None
    session.commit()
    user = session.scalar(select(User).where(User.username == name))
    if not _password_matches(user, password) or not user.active:
        raise SignInRefused(_("Wrong username or password, or the account is deactivated."))
    throttle.forgive(session, admission)
    for check in _sign_in_checks:
        if (reason := check(session, user)) is not None:
            raise SignInRefused(reason)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def confirm_password(session: Session, user: User, password: str, address: str,
                     policies: throttle.Policies, now: dt.datetime) -> None:
    """Raise SignInRefused unless ``password`` is the user's: throttled like a sign-in, so that
    someone at a browser left signed in cannot guess the password and then change it."""
    try:
        admission = throttle.admit(session, user.username, address, policies, now)
    except throttle.Throttled as throttled:
        session.commit()
        raise SignInRefused(too_many_attempts(throttled.seconds), wait_seconds=throttled.seconds) from None
    session.commit()
    if not _password_matches(user, password):
        raise SignInRefused(_("The current password is wrong."))
    throttle.forgive(session, admission)


def _session_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, user: User, now: dt.datetime, max_age: dt.timedelta) -> None:
    """Record a new signed-in session for ``user``; its token then goes into the cookie (User.get_id)."""
    session.execute(delete(UserSession).where(UserSession.created_at < now - max_age))
    user.session_token = secrets.token_urlsafe(32)
    session.add(UserSession(user_id=user.id, token_digest=_session_digest(user.session_token), created_at=now))


def end_session(session: Session, user: User) -> None:
    """Sign out this session: its cookie, even a copy, opens nothing afterwards."""
    if user.session_token:
        session.execute(delete(UserSession).where(UserSession.token_digest == _session_digest(user.session_token)))


def load_session_user(session: Session, session_id: str) -> User | None:
    """The user a session cookie names, if that session is still open and valid."""
    user_id, version, token = (session_id.split(":") + ["", ""])[:3]
    if not user_id.isdigit() or not version.isdigit() or not token:
        return None
    user = session.scalar(select(User).join(UserSession, UserSession.user_id == User.id).where(
        User.id == int(user_id), UserSession.token_digest == _session_digest(token)))
    if user is None or not user.active or user.session_version != int(version):
        return None
    user.session_token = token
    return user


def list_query(search: str = "", role: str | None = None) -> Select:
    """Users ordered by username, filtered by text and role."""
    query = select(User).order_by(User.username)
    if search:
        pattern = f"%{search.strip()}%"
        query = query.where(or_(User.username.ilike(pattern), User.full_name.ilike(pattern)))
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    return query
