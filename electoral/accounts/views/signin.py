"""Sign-in, sign-out, session limits and the user's own profile and password."""

import datetime as dt
import time

from flask import current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from electoral.accounts import services, throttle
from electoral.accounts.blueprint import bp
from electoral.accounts.forms import ConfirmForm, LoginForm, PasswordForm, ProfileForm
from electoral.core.auth import ANY_ROLE, access, public, wants_json
from electoral.core.redirects import local_target, redirect_back
from electoral.core.saving import save
from electoral.extensions import db


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
            if save(lambda: services.set_password(current_user, password_form.new_password.data), password_form,
                    aliases={"password": "new_password"}):
                login_user(current_user._get_current_object())  # stay signed in here; other sessions end
                session["signed_in_at"] = session["seen_at"] = now()
                flash(_("Your password is changed. Other sessions were signed out."), "success")
                return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, password_form=password_form,
                           confirm_form=ConfirmForm()), 400
