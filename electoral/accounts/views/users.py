"""The administrator's user pages: the list, a new account, an account's roles, scope and password."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from electoral.accounts import services, throttle
from electoral.accounts.blueprint import bp
from electoral.accounts.forms import ConfirmForm, UserCreateForm, UserEditForm, UserFilterForm
from electoral.accounts.models import User
from electoral.core import duties
from electoral.core.auth import Role, access
from electoral.core.errors import ValidationFailed
from electoral.core.saving import save
from electoral.extensions import db


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
        saved = save(lambda: services.create_user(
            db.session, form.username.data, form.password.data,
            [Role(r) for r in form.roles.data], full_name=form.full_name.data or "",
            scope_code=form.scope.data, locale=form.locale.data or None), form)
        if saved:
            flash(_("User %(name)s created.", name=saved.result.username), "success")
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
    if form.validate_on_submit() and save(lambda: _update(user, form), form, aliases={"password": "new_password"}):
        flash(_("User %(name)s saved.", name=user.username), "success")
        _warn_of_duties(form.roles.data)
        return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=user, confirm_form=ConfirmForm(),
                           duty_pairs=duties.pairs_for_roles(_checked_roles(form)),
                           recent_failures=throttle.recent_failures(db.session, user.username))


def _update(user: User, form: UserEditForm) -> None:
    if user.id == current_user.id and (not form.active.data or Role.ADMINISTRATOR.value not in form.roles.data):
        raise ValidationFailed(_("You cannot deactivate yourself or remove your own administrator role."))
    user.full_name = (form.full_name.data or "").strip()
    services.set_roles(user, [Role(r) for r in form.roles.data])
    services.set_scope(db.session, user, form.scope.data)
    services.check_station_scope(user)
    services.set_active(user, form.active.data)
    if form.new_password.data:
        services.set_password(user, form.new_password.data)


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
