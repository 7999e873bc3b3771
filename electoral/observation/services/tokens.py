"""API tokens for phones: only a token's hash is stored."""

import dataclasses
import functools
import hashlib
import secrets

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from electoral.accounts.models import User, UserRole
from electoral.core.auth import Role
from electoral.observation.models import (
    ApiToken,
)


@dataclasses.dataclass(frozen=True)
class TokenUser:
    """The account behind an API token, as the API needs it (no ORM object, no second query for roles)."""

    id: int
    username: str
    roles: frozenset[Role]

    def has_any_role(self, roles) -> bool:
        return bool(self.roles & set(roles))


@functools.cache
def _token_user_query():
    return (select(User.id, User.username, User.active, UserRole.role)
            .join(ApiToken, ApiToken.user_id == User.id)
            .outerjoin(UserRole, UserRole.user_id == User.id)
            .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked.is_(False)))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user: User) -> str:
    """A new API token for the user; only its hash is stored, so show it now or never."""
    token = "eot_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user=user, token_hash=token_digest(token), revoked=False))
    session.flush()
    return token


def token_user(session: Session, token: str) -> TokenUser | None:
    """The active account an unrevoked token belongs to, with its roles, in one query; or None."""
    if not token:
        return None
    rows = session.execute(_token_user_query(), {"token_hash": token_digest(token)}).all()
    if not rows or not rows[0].active:
        return None
    return TokenUser(rows[0].id, rows[0].username, frozenset(Role(r.role) for r in rows if r.role))
