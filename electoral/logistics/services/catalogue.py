"""The material catalogue and its quantity rules: validated, explained in words, computed exactly."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.core.errors import ValidationFailed
from electoral.logistics.models import BASES, Item

# Field figures (DOMAIN.md): ballots = voters + 2% in pads of 50 (Ghana); one 10 ml ink bottle
# per ~700 voters, at least 2 a station, + 10% spare; boxes and seals per station per race.
# (code, name, unit, pack, sensitive, returnable, serialised, basis, amount, per_voters, buffer, minimum)
DEFAULT_CATALOGUE = [
    ("BALLOT-PRES", "Ballot papers, presidential race", "ballot paper", 50, True, True, True,
     "voter", 1, 1, 2, 0),
    ("BALLOT-LEG", "Ballot papers, legislative race", "ballot paper", 50, True, True, True,
     "voter", 1, 1, 2, 0),
    ("RESULT-FORM", "Result forms (one set per race)", "set", 1, True, True, False, "station", 2, 1, 0, 0),
    ("SEAL", "Tamper-evident seals", "seal", 10, True, True, True, "station", 8, 1, 0, 0),
    ("INK", "Indelible ink, 10 ml bottle", "bottle", 1, True, False, False, "voter", 1, 700, 10, 2),
    ("VOTER-LIST", "Final voter list, station copy", "copy", 1, True, True, False, "station", 1, 1, 0, 0),
    ("STAMP", "Official stamp", "stamp", 1, True, True, False, "station", 1, 1, 0, 0),
    ("BALLOT-BOX", "Ballot box (one per race)", "box", 1, False, False, False, "station", 2, 1, 0, 0),
    ("SCREEN", "Voting screen", "screen", 1, False, False, False, "station", 1, 1, 0, 0),
    ("LAMP", "Lamp", "lamp", 1, False, False, False, "station", 1, 1, 0, 0),
    ("STATIONERY", "Stationery kit", "kit", 1, False, False, False, "station", 1, 1, 0, 0),
    ("SIGNAGE", "Centre signage kit", "kit", 1, False, False, False, "centre", 1, 1, 0, 0),
]


@dataclass(frozen=True)
class Rule:
    """An item's quantity rule as plain integers, so allocation runs without ORM objects."""

    item_id: int
    code: str
    basis: str
    amount: int
    per_voters: int
    buffer_bp: int  # the buffer in hundredths of a percent
    minimum: int
    pack_size: int

    @classmethod
    def of(cls, item: Item) -> "Rule":
        return cls(item.id, item.code, item.basis, item.amount, item.per_voters,
                   int(Decimal(item.buffer_percent) * 100), item.minimum, item.pack_size)


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def quantity(rule: Rule, voters: int = 0) -> int:
    """Units of the item for one station (or one centre, for a per-centre rule).

    base = amount (per station or centre) or voters x amount / per_voters (per voter);
    then + buffer %, rounded up to a whole unit; then at least ``minimum``; then
    rounded up to whole packs. Integer arithmetic only, so 600 x 1.02 is exactly 612.
    """
    if rule.basis == "voter":
        units = _ceil_div(voters * rule.amount * (10000 + rule.buffer_bp), rule.per_voters * 10000)
    else:
        units = _ceil_div(rule.amount * (10000 + rule.buffer_bp), 10000)
    units = max(units, rule.minimum)
    return _ceil_div(units, rule.pack_size) * rule.pack_size


def quantities(rule: Rule, voter_counts: list[int]) -> list[int]:
    """``quantity`` for each count at once (a per-station rule gives the same figure to all)."""
    if rule.basis != "voter":
        return [quantity(rule)] * len(voter_counts)
    num, den = rule.amount * (10000 + rule.buffer_bp), rule.per_voters * 10000
    minimum, pack = rule.minimum, rule.pack_size
    return [-(-max(-(-v * num // den), minimum) // pack) * pack for v in voter_counts]


def explain(item: Item, example_voters: int = 600) -> list[str]:
    """The rule in words, with a worked example, as shown beside the item."""
    rule = Rule.of(item)
    if item.basis == "station":
        first = _("%(amount)s × %(unit)s for every polling station.", amount=item.amount, unit=item.unit)
    elif item.basis == "centre":
        first = _("%(amount)s × %(unit)s for every polling centre.", amount=item.amount, unit=item.unit)
    else:
        first = _("%(amount)s × %(unit)s for every %(voters)s registered voters of the station.",
                  amount=item.amount, unit=item.unit, voters=item.per_voters)
    sentences = [first]
    if rule.buffer_bp:
        sentences.append(_("Plus %(buffer)s%% spare, rounded up to a whole unit.",
                           buffer=_percent_text(item.buffer_percent)))
    if item.minimum:
        sentences.append(_("At least %(minimum)s.", minimum=item.minimum))
    if item.pack_size > 1:
        sentences.append(_("Rounded up to whole packs of %(pack)s.", pack=item.pack_size))
    if item.basis == "voter":
        sentences.append(_("Example: a station of %(voters)s voters gets %(quantity)s.",
                           voters=example_voters, quantity=quantity(rule, example_voters)))
    else:
        sentences.append(_("Example: %(quantity)s each.", quantity=quantity(rule)))
    return sentences


def _percent_text(value) -> str:
    return format(Decimal(value).normalize(), "f")


def list_items(session: Session, active_only: bool = False) -> list[Item]:
    """The catalogue in code order."""
    query = select(Item).order_by(Item.code)
    if active_only:
        query = query.where(Item.active.is_(True))
    return list(session.scalars(query))


def find_item(session: Session, code: str) -> Item | None:
    return session.scalar(select(Item).where(Item.code == (code or "").strip().upper()))


@dataclass
class ItemData:
    code: str
    name: str
    unit: str
    pack_size: int
    sensitive: bool
    basis: str
    amount: int
    per_voters: int = 1
    buffer_percent: object = 0
    minimum: int = 0
    returnable: bool = False
    serialised: bool = False
    active: bool = True


def save_item(session: Session, data: ItemData, item: Item | None = None) -> Item:
    """Create an item or change ``item`` and its rule, refusing a rule that cannot be computed."""
    errors: dict[str, list[str]] = {}
    code = (data.code or "").strip().upper()
    if not code:
        errors["code"] = [_("A code is required.")]
    else:
        other = session.scalar(select(Item.id).where(Item.code == code))
        if other is not None and (item is None or other != item.id):
            errors["code"] = [_("The code %(code)s is already used.", code=code)]
    for name in ("name", "unit"):
        if not (getattr(data, name) or "").strip():
            errors[name] = [_("This field is required.")]
    if data.basis not in BASES:
        errors["basis"] = [_("Choose per station, per voter or per centre.")]
    if data.pack_size is None or data.pack_size < 1:
        errors["pack_size"] = [_("A pack holds at least 1 unit.")]
    if data.amount is None or data.amount < 1:
        errors["amount"] = [_("Give at least 1 unit.")]
    if data.basis == "voter" and (data.per_voters is None or data.per_voters < 1):
        errors["per_voters"] = [_("Give the number of voters (1 or more) the units serve.")]
    try:
        buffer = Decimal(str(data.buffer_percent if data.buffer_percent is not None else 0))
    except InvalidOperation:
        buffer = Decimal(-1)
    if not Decimal(0) <= buffer <= Decimal(100) or buffer != buffer.quantize(Decimal("0.01")):
        errors["buffer_percent"] = [_("The spare must be between 0 and 100 percent, to two decimals.")]
    if data.minimum is None or data.minimum < 0:
        errors["minimum"] = [_("Give zero or a positive number.")]
    if errors:
        raise ValidationFailed(errors)
    item = item or Item()
    item.code, item.name, item.unit = code, data.name.strip(), data.unit.strip()
    item.pack_size, item.sensitive, item.basis, item.amount = data.pack_size, data.sensitive, data.basis, data.amount
    item.per_voters = data.per_voters if data.basis == "voter" else 1
    item.buffer_percent, item.minimum = buffer, data.minimum
    item.returnable, item.serialised, item.active = data.returnable, data.serialised, data.active
    session.add(item)
    session.flush()
    return item


def seed_catalogue(session: Session) -> int:
    """Add the default items that are missing (by code); return how many were added."""
    existing = set(session.scalars(select(Item.code)))
    added = 0
    for (code, name, unit, pack, sensitive, returnable, serialised, basis, amount, per_voters,
         buffer, minimum) in DEFAULT_CATALOGUE:
        if code in existing:
            continue
        save_item(session, ItemData(code, name, unit, pack, sensitive, basis, amount, per_voters, buffer,
                                    minimum, returnable, serialised))
        added += 1
    return added
