"""The accounts pages, one module per page group; ``bp`` is the blueprint they are routes of.

- signin: sign-in and sign-out, session limits, the user's own profile and password.
- users: the administrator's user pages (list, create, edit roles, scope and password).
"""

from electoral.accounts.blueprint import bp
from electoral.accounts.views import signin, users

__all__ = ["bp", "signin", "users"]
