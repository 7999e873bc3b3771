"""Rules for accounts: creating users, passwords, roles, scope, sign-in."""

import datetime as dt
import re
from collections.abc import Callable
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from electoral.accounts.models import User, UserRole
from electoral.core import locks
from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.geography import services as geography
from electoral.geography.models import District, PollingCentre, Region

MIN_PASSWORD_LENGTH = 12
# zxcvbn's estimate below which a password falls to an online guessing attack (score 0-1: < 10^6 guesses).
MIN_PASSWORD_SCORE = 2
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
_hasher = PasswordHasher()
# Verified against when the username is unknown, so a wrong username takes
# as long as a wrong password and does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


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
    """Limit the user to a region, district or polling centre; an empty code means national."""
    user.scope_region = user.scope_district = user.scope_centre = None
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
    else:
        raise ValidationFailed({"scope": [_(
            "No region, district or polling centre has the code %(code)s.", code=code)]})


def set_password(user: User, password: str) -> None:
    """Change the password and end every session opened with the old one."""
    check_password_policy(password, user.username, user.full_name)
    user.password_hash = hash_password(password)
    user.session_version += 1


def end_all_sessions(user: User) -> None:
    """Sign the user out on every device: every session cookie names the old version."""
    user.session_version += 1


def unlock(user: User) -> None:
    """An administrator lets a locked account sign in again."""
    user.locked_at = None
    user.failed_logins = 0


def set_active(user: User, active: bool) -> None:
    """Activate or deactivate; deactivation ends the user's sessions at once."""
    if user.active and not active:
        user.session_version += 1
    user.active = active


def _password_matches(user: User | None, password: str) -> bool:
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return user is not None


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with that username and password, or None."""
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    if not _password_matches(user, password) or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


class SignInRefused(Exception):
    """Sign-in refused; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# Other domains' conditions on signing in: each returns a translated reason to refuse, or None.
SignInCheck = Callable[[Session, User], str | None]
_sign_in_checks: list[SignInCheck] = []


def register_sign_in_check(check: SignInCheck) -> SignInCheck:
    """Add a condition every sign-in must meet (used as a decorator by the domain that owns it)."""
    if check not in _sign_in_checks:
        _sign_in_checks.append(check)
    return check


def sign_in(session: Session, username: str, password: str, lock_after: int = 0,
            now: dt.datetime | None = None) -> User:
    """The user signing in, or SignInRefused; counts failures and locks the account after ``lock_after``.

    The caller commits in both cases, so failures are counted even when refused.
    """
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    matches = _password_matches(user, password)
    if user is not None and user.locked:
        raise SignInRefused(_("This account is locked after too many failed sign-ins. "
                              "Ask an administrator to unlock it."))
    if not matches or not user.active:
        if user is not None and user.active:
            user.failed_logins = (user.failed_logins or 0) + 1
            if lock_after and user.failed_logins >= lock_after:
                user.locked_at = now or dt.datetime.now(dt.UTC)
                raise SignInRefused(_("This account is locked after too many failed sign-ins. "
                                      "Ask an administrator to unlock it."))
        raise SignInRefused(_("Wrong username or password, or the account is deactivated."))
    for check in _sign_in_checks:
        if (reason := check(session, user)) is not None:
            raise SignInRefused(reason)
    if user.failed_logins:
        user.failed_logins = 0
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def load_session_user(session: Session, session_id: str) -> User | None:
    """The user a session cookie names, if that session is still valid."""
    user_id, _sep, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
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


def count_users(session: Session) -> int:
    return session.scalar(select(func.count(User.id)))
