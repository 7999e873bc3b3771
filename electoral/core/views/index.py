"""The home page per role and the language switch."""

from flask import render_template, session
from flask_login import current_user

from electoral.core import home
from electoral.core.auth import ANY_ROLE, access, public
from electoral.core.blueprint import bp
from electoral.core.forms import LanguageForm
from electoral.core.redirects import redirect_back
from electoral.extensions import db


@bp.route("/")
@access(*ANY_ROLE)
def index():
    actions = home.actions_for_current_user()
    return render_template("core/home.html", actions=actions)


@bp.route("/language", methods=["POST"])
@public
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            current_user.locale = form.lang.data
            db.session.commit()
    return redirect_back("core.index")
