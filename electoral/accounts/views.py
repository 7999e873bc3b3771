"""Sign-in, sign-out, session limits, profile, and the administrator's user pages."""

import datetime as dt
import time

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from electoral.accounts import services, throttle
from electoral.accounts.forms import (
    ConfirmForm,
    LoginForm,
    PasswordForm,
    ProfileForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from electoral.accounts.models import User
from electoral.core import duties, home
from electoral.core.auth import ANY_ROLE, Role, access, public, wants_json
from electoral.core.errors import ValidationFailed
from electoral.core.forms import show_errors
from electoral.core.redirects import local_target, redirect_back
from electoral.extensions import db

bp = Blueprint("accounts", __name__, template_folder="templates")

home.register_nav(_l("Users"), "accounts.users", order=80)
home.register(_l("Users and roles"), "accounts.users",
              _l("Create accounts, give roles and scope, deactivate."), order=10)


def now() -> float:
    """Seconds since the epoch; a function so tests can move the clock."""
    return time.time()


def _moment() -> dt.datetime:
    return dt.datetime.fromtimestamp(now(), dt.UTC)


@bp.before_app_request
def end_expired_session():
    """End a session idle too long or open too long, before anything reads the user."""
    if "_user_id" not in session:
        return None
    moment = now()
    started, seen = session.get("signed_in_at"), session.get("seen_at", 0)
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    lifetime = current_app.config["SESSION_MAX_HOURS"] * 3600
    if started is None or moment - started > lifetime or moment - seen > idle:
        logout_user()
        session.clear()
        if request.path.startswith("/api/"):
            return None  # the API goes by its bearer token, not by the cookie
        if wants_json():
            return jsonify(error=_("Your session has ended. Sign in again.")), 401
        flash(_("Your session has ended after a long time or a long pause. Sign in again."), "info")
        if request.method == "GET":
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        return redirect(url_for("accounts.login"))
    if moment - seen > 60:  # at most one cookie update a minute
        session["seen_at"] = moment
    return None


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    form = LoginForm(next=local_target(request.args.get("next")) or "")
    if form.validate_on_submit():
        try:
            user = services.sign_in(db.session, form.username.data, form.password.data, get_remote_address(),
                                    throttle.Policies.from_config(current_app.config), _moment())
        except services.SignInRefused as refusal:
            db.session.commit()
            form.password.errors = [refusal.message]
            if refusal.wait_seconds is not None:
                return render_template("accounts/login.html", form=form), 429
        else:
            session.clear()  # no session fixation: a fresh session after sign-in
            services.open_session(db.session, user, _moment(),
                                  dt.timedelta(hours=current_app.config["SESSION_MAX_HOURS"]))
            login_user(user)
            session["signed_in_at"] = session["seen_at"] = now()
            if user.locale:
                session["lang"] = user.locale
            db.session.commit()
            # Home greets by name itself: the flash is for a sign-in that goes on to another page.
            if local_target(request.args.get("next") or request.form.get("next")) not in (None, url_for("core.index")):
                flash(_("Welcome, %(name)s.", name=user.full_name or user.username), "success")
            return redirect_back(services.landing_endpoint(user))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@access(*ANY_ROLE)
def logout():
    services.end_session(db.session, current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/profile/sign-out-everywhere", methods=["POST"])
@access(*ANY_ROLE)
def sign_out_everywhere():
    if ConfirmForm().validate_on_submit():
        services.end_all_sessions(current_user)
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("You are signed out on every device, this one too."), "info")
        return redirect(url_for("accounts.login"))
    return redirect(url_for("accounts.profile"))


@bp.route("/profile", methods=["GET", "POST"])
@access(*ANY_ROLE)
def profile():
    form = ProfileForm(obj=current_user)
    password_form = PasswordForm(prefix="pw")
    if form.validate_on_submit():
        current_user.full_name = (form.full_name.data or "").strip()
        current_user.locale = form.locale.data or None
        session.pop("lang", None)
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, password_form=password_form,
                           confirm_form=ConfirmForm())


@bp.route("/profile/password", methods=["POST"])
@access(*ANY_ROLE)
def change_password():
    form = ProfileForm(obj=current_user)
    password_form = PasswordForm(prefix="pw")
    if password_form.validate_on_submit():
        try:
            services.confirm_password(db.session, current_user, password_form.current_password.data,
                                      get_remote_address(), throttle.Policies.from_config(current_app.config),
                                      _moment())
        except services.SignInRefused as refusal:
            db.session.commit()
            password_form.current_password.errors = [refusal.message]
        else:
            try:
                services.set_password(current_user, password_form.new_password.data)
            except ValidationFailed as failure:
                show_errors(password_form, failure, aliases={"password": "new_password"})
            else:
                db.session.commit()
                login_user(current_user._get_current_object())  # stay signed in here; other sessions end
                session["signed_in_at"] = session["seen_at"] = now()
                flash(_("Your password is changed. Other sessions were signed out."), "success")
                return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, password_form=password_form,
                           confirm_form=ConfirmForm()), 400


@bp.route("/users")
@access(Role.ADMINISTRATOR)
def users():
    form = UserFilterForm(request.args)
    query = services.list_query(form.q.data or "", form.role.data or None)
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("accounts/users.html", page=page, form=form)


@bp.route("/users/new", methods=["GET", "POST"])
@access(Role.ADMINISTRATOR)
def user_create():
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                db.session, form.username.data, form.password.data,
                [Role(r) for r in form.roles.data], full_name=form.full_name.data or "",
                scope_code=form.scope.data, locale=form.locale.data or None)
        except ValidationFailed as failure:
            db.session.rollback()
            show_errors(form, failure)
        else:
            db.session.commit()
            flash(_("User %(name)s created.", name=user.username), "success")
            _warn_of_duties(form.roles.data)
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=None, confirm_form=ConfirmForm(),
                           duty_pairs=duties.pairs_for_roles(_checked_roles(form)))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@access(Role.ADMINISTRATOR)
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    if request.method == "GET":
        form.roles.data = sorted(r.value for r in user.roles)
        form.scope.data = user.scope.code if user.scope else ""
    if form.validate_on_submit():
        try:
            if user.id == current_user.id and (
                    not form.active.data or Role.ADMINISTRATOR.value not in form.roles.data):
                raise ValidationFailed(_("You cannot deactivate yourself or remove your own administrator role."))
            user.full_name = (form.full_name.data or "").strip()
            services.set_roles(user, [Role(r) for r in form.roles.data])
            services.set_scope(db.session, user, form.scope.data)
            services.check_station_scope(user)
            services.set_active(user, form.active.data)
            if form.new_password.data:
                services.set_password(user, form.new_password.data)
        except ValidationFailed as failure:
            db.session.rollback()
            show_errors(form, failure, aliases={"password": "new_password"})
        else:
            db.session.commit()
            flash(_("User %(name)s saved.", name=user.username), "success")
            _warn_of_duties(form.roles.data)
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=user, confirm_form=ConfirmForm(),
                           duty_pairs=duties.pairs_for_roles(_checked_roles(form)),
                           recent_failures=throttle.recent_failures(db.session, user.username))


def _checked_roles(form) -> list[str]:
    """The ticked roles, or none while the field holds an error: a posted value the choices refused
    (an unknown role) is only shown back as a field error, never read as a Role."""
    return [] if form.roles.errors else list(form.roles.data or [])


def _warn_of_duties(roles) -> None:
    """A warning, not a refusal: roles that let one account do both acts of a pair (electoral/core/duties.py)."""
    for duty in duties.pairs_for_roles(roles or []):
        flash(_("This account may do both the %(first)s and the %(second)s: the application refuses one "
                "person doing both on the same record, but these roles are better given to different people.",
                first=duty.first, second=duty.second), "warning")
