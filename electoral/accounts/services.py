"""Rules for accounts: creating users, passwords, roles, scope, sign-in."""

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from electoral.accounts.models import User, UserRole
from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.geography import services as geography
from electoral.geography.models import District, PollingCentre, Region

MIN_PASSWORD_LENGTH = 10
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
_hasher = PasswordHasher()
# Verified against when the username is unknown, so a wrong username takes
# as long as a wrong password and does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_policy(password: str, username: str = "") -> None:
    """Refuse short passwords and passwords that are the username."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(_("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))
    if username and password.lower() == username.lower():
        problems.append(_("The password must not be the username."))
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
    check_password_policy(password, username)
    user = User(username=username, full_name=full_name.strip(), password_hash=hash_password(password),
                locale=locale, active=True, session_version=1)
    session.add(user)
    set_roles(user, roles)
    set_scope(session, user, scope_code)
    session.flush()
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
    check_password_policy(password, user.username)
    user.password_hash = hash_password(password)
    user.session_version += 1


def set_active(user: User, active: bool) -> None:
    """Activate or deactivate; deactivation ends the user's sessions at once."""
    if user.active and not active:
        user.session_version += 1
    user.active = active


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with that username and password, or None."""
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
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
