"""What each user does next: domains register actions, the home page and the menu list those the
route's own access declaration (``may``) allows the user."""

from dataclasses import dataclass

from electoral.core.auth import may


@dataclass(frozen=True)
class Action:
    label: object  # a lazy string, translated when shown
    endpoint: str
    hint: object = ""
    order: int = 100


_actions: list[Action] = []


def _no_roles(hint) -> None:
    # Roles come from the route's @access declaration; a tuple here is the old signature.
    if isinstance(hint, (tuple, list, set, frozenset)):
        raise TypeError("home.register() takes no roles: the route's @access declaration says who sees it")


def register(label, endpoint: str, hint="", order: int = 100) -> None:
    """Offer an action on the home page of users whom the route's declaration allows."""
    _no_roles(hint)
    if not any(a.endpoint == endpoint and a.label == label for a in _actions):
        _actions.append(Action(label, endpoint, hint, order))


def actions_for_current_user() -> list[Action]:
    return sorted((a for a in _actions if may(a.endpoint)), key=lambda a: a.order)


_nav: list[Action] = []


def register_nav(label, endpoint: str, order: int = 100) -> None:
    """Add a link to the top menu of users whom the route's declaration allows."""
    if not isinstance(order, int):
        raise TypeError("home.register_nav() takes no roles: the route's @access declaration says who sees it")
    if not any(a.endpoint == endpoint for a in _nav):
        _nav.append(Action(label, endpoint, "", order))


def nav_for_current_user() -> list[Action]:
    return sorted((a for a in _nav if may(a.endpoint)), key=lambda a: a.order)
