"""What each role does next: domains register actions, the home page lists them."""

from dataclasses import dataclass

from electoral.core.auth import Role


@dataclass(frozen=True)
class Action:
    label: object  # a lazy string, translated when shown
    endpoint: str
    roles: frozenset[Role]
    hint: object = ""
    order: int = 100


_actions: list[Action] = []


def register(label, endpoint: str, roles, hint="", order: int = 100) -> None:
    """Offer an action on the home page of users holding any of ``roles``."""
    if not any(a.endpoint == endpoint and a.label == label for a in _actions):
        _actions.append(Action(label, endpoint, frozenset(roles), hint, order))


def actions_for(roles: set[Role]) -> list[Action]:
    return sorted((a for a in _actions if a.roles & roles), key=lambda a: a.order)


_nav: list[Action] = []


def register_nav(label, endpoint: str, roles, order: int = 100) -> None:
    """Add a link to the top menu for users holding any of ``roles``."""
    if not any(a.endpoint == endpoint for a in _nav):
        _nav.append(Action(label, endpoint, frozenset(roles), "", order))


def nav_for(roles: set[Role]) -> list[Action]:
    return sorted((a for a in _nav if a.roles & roles), key=lambda a: a.order)
