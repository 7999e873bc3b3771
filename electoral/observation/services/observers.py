"""Organisations, observers, their import, accreditation, user accounts and deployment."""

import datetime as dt
import re
import secrets

from flask_babel import gettext as _
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.core import duties, picture_bundles, stored_files
from electoral.core.auth import Role
from electoral.core.errors import ImportFailed, LineError, ValidationFailed
from electoral.core.models import utcnow
from electoral.core.tabular import read_table
from electoral.geography import services as geography
from electoral.geography.models import District, PollingCentre, PollingStation, Region
from electoral.observation.models import Observer, ObserverCentre, Organisation
from electoral.observation.services import photos

SEXES = ("F", "M", "X")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()-]{6,39}$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}$")
IMPORT_COLUMNS = ["organisation_code", "family_name", "given_names", "sex", "phone"]
IMPORT_OPTIONAL = ["languages", "photo", "station_code"]
DEFAULT_VALIDITY_DAYS = 60


def save_organisation(session: Session, code: str, name: str, international: bool = False,
                      organisation: Organisation | None = None) -> Organisation:
    """Create or edit an observer organisation."""
    code, name = (code or "").strip().upper(), (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not CODE_PATTERN.match(code):
        errors["code"] = [_("Use up to 32 letters, digits, dots, dashes or underscores.")]
    elif session.scalar(select(Organisation.id).where(Organisation.code == code,
                                                      Organisation.id != (organisation.id if organisation else -1))):
        errors["code"] = [_("The code %(code)s is taken.", code=code)]
    if not name:
        errors["name"] = [_("Give the organisation's name.")]
    if errors:
        raise ValidationFailed(errors)
    organisation = organisation or Organisation()
    organisation.code, organisation.name, organisation.international = code, name, bool(international)
    session.add(organisation)
    session.flush()
    return organisation


def _observer_problems(values: dict, session: Session) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not values["family_name"]:
        errors["family_name"] = [_("Give the family name.")]
    if values["sex"] not in SEXES:
        errors["sex"] = [_("Sex must be F, M or X.")]
    if not PHONE_PATTERN.match(values["phone"]):
        errors["phone"] = [_("The phone number %(phone)s is not a phone number.", phone=values["phone"])]
    bad = [code for code in values["languages"].split() if not LANGUAGE_PATTERN.match(code)]
    if bad:
        errors["languages"] = [_("Unknown language codes: %(codes)s.", codes=", ".join(bad))]
    if values["photo_path"] and not photos.is_stored_photo(values["photo_path"]):
        # Only a name the photo store generated: a path would print any instance file on a badge.
        errors["photo"] = [_("The photo must be uploaded as a picture, not named by a path.")]
    return errors


def _clean(family_name: str, given_names: str, sex: str, phone: str, languages: str, photo_path: str) -> dict:
    return {
        "family_name": (family_name or "").strip(), "given_names": (given_names or "").strip(),
        "sex": (sex or "").strip().upper()[:1], "phone": (phone or "").strip(),
        "languages": " ".join((languages or "").replace(",", " ").lower().split()),
        "photo_path": (photo_path or "").strip() or None,
    }


def save_observer(session: Session, organisation: Organisation, family_name: str, given_names: str, sex: str,
                  phone: str, languages: str = "", photo_path: str = "",
                  observer: Observer | None = None) -> Observer:
    """Create or edit an observer; names are kept as written, in any script."""
    values = _clean(family_name, given_names, sex, phone, languages, photo_path)
    errors = _observer_problems(values, session)
    clash = session.scalar(select(Observer.id).where(
        Observer.organisation_id == organisation.id, Observer.phone == values["phone"],
        Observer.id != (observer.id if observer else -1)))
    if clash:
        errors.setdefault("phone", []).append(_("Another observer of this organisation has this phone number."))
    if errors:
        raise ValidationFailed(errors)
    observer = observer or Observer(accreditation="none")
    observer.organisation = organisation
    for key, value in values.items():
        setattr(observer, key, value)
    session.add(observer)
    session.flush()
    return observer


def import_observers(session: Session, data: bytes, filename: str, scope=None) -> int:
    """Import observers from CSV/XLSX; any bad line imports nothing (ImportFailed lists them all).

    A station named in the file must lie within ``scope``, the importing coordinator's area.
    """
    organisations = {o.code: o for o in session.scalars(select(Organisation))}
    errors: list[LineError] = []
    rows = []
    seen: dict[tuple[str, str], int] = {}
    bundle = picture_bundles.open_bundle(data, filename)  # a CSV or XLSX, or a zip of one with the photos
    for row in read_table(bundle.table, bundle.table_name, IMPORT_COLUMNS, IMPORT_OPTIONAL):
        v = row.values
        organisation = organisations.get(v["organisation_code"].upper())
        problems = []
        if organisation is None:
            problems.append(_("no organisation has the code %(code)s", code=v["organisation_code"]))
        values = _clean(v["family_name"], v["given_names"], v["sex"], v["phone"], v.get("languages", ""), "")
        problems += [m for msgs in _observer_problems(values, session).values() for m in msgs]
        if v.get("photo"):
            # A cell never names a file on disk (it copied any instance file into a badge): only a photo in the zip.
            try:
                _observer_picture(bundle, v["photo"])
            except ValueError as problem:
                problems.append(str(problem))
        station = None
        if v.get("station_code"):
            station = geography.find_by_code(session, "station", v["station_code"])
            if station is None:
                problems.append(_("no polling station has the code %(code)s", code=v["station_code"]))
            elif _outside(scope, station):
                problems.append(_("polling station %(code)s is outside your area", code=station.code))
        key = (v["organisation_code"].upper(), values["phone"])
        if key in seen:
            problems.append(_("the same phone number as line %(line)d", line=seen[key]))
        seen[key] = row.line
        if organisation and session.scalar(select(Observer.id).where(
                Observer.organisation_id == organisation.id, Observer.phone == values["phone"])):
            problems.append(_("an observer of this organisation already has this phone number"))
        if problems:
            errors.append(LineError(row.line, "; ".join(problems)))
        else:
            rows.append((organisation, values, station, v.get("photo")))
    if errors:
        raise ImportFailed(errors)
    for organisation, values, station, member in rows:
        if member:  # only now, with every line good: a refused file writes no photo
            name, content = _observer_picture(bundle, member)
            stored_files.write(photos.OBSERVER_PHOTOS, name, content)
            values["photo_path"] = name
        session.add(Observer(organisation=organisation, accreditation="none", station=station, **values))
    session.flush()
    return len(rows)


def _observer_picture(bundle: picture_bundles.Bundle, member: str) -> tuple[str, bytes]:
    return picture_bundles.picture(bundle, member, photos.OBSERVER_PHOTOS, photos.PHOTO_SIZE, "JPEG")


def observer_query(search: str = "", organisation_id: int | None = None, status: str = "",
                   scope=None) -> Select:
    """Observers for a paginated list, filtered by name/phone, organisation, accreditation and area."""
    query = select(Observer).order_by(Observer.family_name, Observer.given_names, Observer.id)
    if search:
        pattern = f"%{search.strip()}%"
        query = query.where(or_(Observer.family_name.ilike(pattern), Observer.given_names.ilike(pattern),
                                Observer.phone.ilike(pattern), Observer.accreditation_number.ilike(pattern)))
    if organisation_id:
        query = query.where(Observer.organisation_id == organisation_id)
    if status:
        query = query.where(Observer.accreditation == status)
    if scope is not None:
        query = query.where(Observer.station_id.in_(station_ids_query(scope)))
    return query


def station_ids_query(scope) -> Select:
    """The ids of the polling stations inside an area."""
    query = (select(PollingStation.id).join(PollingCentre, PollingStation.centre_id == PollingCentre.id)
             .join(District, PollingCentre.district_id == District.id))
    model = type(scope)
    if model is Region:
        return query.where(District.region_id == scope.id)
    if model is District:
        return query.where(District.id == scope.id)
    if model is PollingCentre:
        return query.where(PollingCentre.id == scope.id)
    return query.where(PollingStation.id == scope.id)


def request_accreditation(session: Session, observer: Observer, user: User) -> None:
    """The organisation, through its coordinator ``user``, asks the commission to accredit the observer."""
    if observer.accreditation == "approved":
        raise ValidationFailed(_("%(name)s is already accredited.", name=observer.name))
    observer.accreditation = "requested"
    observer.refusal_reason = None
    observer.requested_at, observer.requested_by = utcnow(), user.username
    session.flush()


def _next_number(session: Session) -> str:
    # Random rather than sequential, so a number cannot be guessed from another badge.
    while True:
        number = "OBS-" + "".join(secrets.choice("ACDEFGHJKLMNPQRTUVWXY34679") for _i in range(8))
        if not session.scalar(select(Observer.id).where(Observer.accreditation_number == number)):
            return number


def decide_accreditation(session: Session, observer: Observer, approve: bool, reason: str = "",
                         valid_until: dt.date | None = None, *, user: User) -> None:
    """The commission (``user``) approves (a number and validity) or refuses (with a reason) a request."""
    if observer.accreditation != "requested":
        raise ValidationFailed(_("No accreditation request is waiting for %(name)s.", name=observer.name))
    deciding = user.username
    duties.require_other("observation_request_approve", [observer.requested_by], deciding)
    observer.decided_at, observer.decided_by = utcnow(), deciding
    if approve:
        number = observer.accreditation_number or _next_number(session)
        observer.accreditation = "approved"
        observer.accreditation_number = number
        observer.valid_until = valid_until or (dt.date.today() + dt.timedelta(days=DEFAULT_VALIDITY_DAYS))
        observer.refusal_reason = None
    else:
        if not (reason or "").strip():
            raise ValidationFailed({"reason": [_("Give the reason for the refusal.")]})
        observer.accreditation = "refused"
        observer.refusal_reason = reason.strip()
    session.flush()


def link_user(session: Session, observer: Observer, username: str) -> None:
    """Tie the observer to the user account (holding the Observer role) they sign in with."""
    user = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    if user is None:
        raise ValidationFailed({"username": [_("No user is called %(name)s.", name=username)]})
    if Role.OBSERVER not in user.roles:
        raise ValidationFailed({"username": [_("%(name)s does not hold the Observer role.", name=user.username)]})
    other = session.scalar(select(Observer).where(Observer.user_id == user.id, Observer.id != observer.id))
    if other is not None:
        raise ValidationFailed({"username": [_("%(name)s is already linked to %(other)s.",
                                               name=user.username, other=other.name)]})
    observer.user = user
    session.flush()


def _outside(scope, area) -> bool:
    return scope is not None and not geography.contains(scope, area)


def deploy(session: Session, observer: Observer, station_code: str = "", centre_codes: str = "",
           scope=None) -> None:
    """Assign to one polling station (stationary) or to a list of centres (mobile team), within ``scope``.

    ``scope`` is the deploying coordinator's area (None: national); a place outside it is refused.
    """
    station_code, codes = (station_code or "").strip(), (centre_codes or "").replace(",", " ").split()
    if station_code and codes:
        raise ValidationFailed({"station_code": [_("Give a station or a list of centres, not both.")]})
    station, centres, errors = None, [], []
    if station_code:
        station = geography.find_by_code(session, "station", station_code)
        if station is None:
            raise ValidationFailed({"station_code": [_("No polling station has the code %(code)s.",
                                                       code=station_code)]})
        if _outside(scope, station):
            raise ValidationFailed({"station_code": [_("Polling station %(code)s is outside your area.",
                                                       code=station.code)]})
    for code in codes:
        centre = geography.find_by_code(session, "centre", code)
        if centre is None:
            errors.append(_("No polling centre has the code %(code)s.", code=code))
        elif _outside(scope, centre):
            errors.append(_("Polling centre %(code)s is outside your area.", code=centre.code))
        else:
            centres.append(centre)
    if errors:
        raise ValidationFailed({"centre_codes": errors})
    observer.station = station
    observer.centre_links = [ObserverCentre(centre=c) for c in centres]
    session.flush()


def observer_for_user(session: Session, user) -> Observer | None:
    """The observer record of a signed-in user, or None."""
    return session.scalar(select(Observer).where(Observer.user_id == user.id))


def stations_of(observer: Observer) -> list[PollingStation]:
    """Where the observer may report: their station, or every station of their centres."""
    if observer.station is not None:
        return [observer.station]
    return [s for centre in observer.centres for s in centre.stations]


def find_by_number(session: Session, number: str) -> Observer | None:
    return session.scalar(select(Observer).where(Observer.accreditation_number == (number or "").strip()))
