"""One rule in one place: who may use a route is said by its declaration only.

Templates ask ``may(endpoint)``, the home page and the menu list what it
allows, and no view body or template decides by a role name.
"""

import re
from pathlib import Path

import pytest
from flask_login import login_user

from electoral.core import home
from electoral.core.auth import Role, may
from tests.factories import make_district, make_region, make_user

ELECTORAL = Path(__file__).resolve().parents[2] / "electoral"
ROLE_NAMES = "|".join(r.value for r in Role)
# A template deciding by role: has_any_role(...), has_role(...), "x" in current_user.roles, or a role name in an if.
TEMPLATE_ROLE_TEST = re.compile(
    r"has_any_role|has_role\(|\bif\b[^%]*\bin current_user\.roles|\{%-?\s*(?:el)?if[^%]*['\"](?:" + ROLE_NAMES
    + r")['\"]")
# A view body deciding who may: a role test or the logistics supervisor test outside a declaration.
VIEW_ROLE_TEST = re.compile(r"has_any_role\(|has_role\(|require_supervisor|\bif\b.*\bin current_user\.roles\b|"
                            r"is_supervisor\(current_user")


def _view_modules():
    for path in sorted(ELECTORAL.rglob("*.py")):
        if "views" in path.name or "views" in path.parent.name:
            yield path


def test_no_template_decides_by_a_role_name():
    templates = sorted(ELECTORAL.rglob("templates/**/*.html"))
    assert len(templates) > 100
    found = [f"{path.relative_to(ELECTORAL)}:{number}: {line.strip()}"
             for path in templates
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if TEMPLATE_ROLE_TEST.search(line)]
    assert found == [], "ask the route's declaration with may('endpoint') instead:\n" + "\n".join(found)


def test_no_view_body_decides_access_by_role():
    modules = list(_view_modules())
    assert len(modules) > 15
    found = [f"{path.relative_to(ELECTORAL)}:{number}: {line.strip()}"
             for path in modules
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if VIEW_ROLE_TEST.search(line)]
    assert found == [], "put the rule in the route's @access declaration (roles, area, who):\n" + "\n".join(found)


def test_home_register_refuses_roles_the_declaration_already_says():
    with pytest.raises(TypeError):
        home.register("Label", "core.index", (Role.ADMINISTRATOR,))
    with pytest.raises(TypeError):
        home.register_nav("Label", "core.index", [Role.ADMINISTRATOR])


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.OBSERVER], ids=lambda r: r.value)
def test_home_tiles_and_menu_are_exactly_what_the_declarations_allow(app, client, login_as, role):
    user = login_as(role)
    page = client.get("/").get_data(as_text=True)
    with app.test_request_context():
        login_user(user)
        expected = {a.endpoint for a in home._actions + home._nav if may(a.endpoint)}
        shown = {a.endpoint for a in home._actions + home._nav if f'href="{app.url_for(a.endpoint)}"' in page}
    assert expected  # every role has somewhere to go
    assert shown == expected


def test_may_answers_with_the_scope_of_an_area_declaration(app, db):
    region, other = make_region(code="MA"), make_region(code="MB")
    district = make_district(region, code="MA-1")
    inside_admin = make_user(Role.ADMINISTRATOR, scope=region)
    outside_admin = make_user(Role.ADMINISTRATOR, scope=other)
    db.session.commit()
    with app.test_request_context():
        login_user(inside_admin)
        assert may("geography.area_edit", level="district", code=district.code)
        login_user(outside_admin)
        assert not may("geography.area_edit", level="district", code=district.code)
        # Without the record's values an area declaration cannot be answered: a template bug, said loudly.
        with pytest.raises(TypeError):
            may("geography.area_edit")


def test_may_includes_the_who_rule_of_a_declaration(app, db):
    district = make_district()
    national, scoped = make_user(Role.LOGISTICS_OFFICER), make_user(Role.LOGISTICS_OFFICER, scope=district)
    clerk = make_user(Role.REGISTRATION_CLERK)
    db.session.commit()
    with app.test_request_context():
        login_user(national)
        assert may("logistics.warehouses") and may("logistics.warehouse_create")
        login_user(scoped)
        assert may("logistics.warehouses") and not may("logistics.warehouse_create")
        login_user(clerk)
        assert not may("logistics.warehouses")


def test_a_scoped_officer_sees_the_warehouses_without_the_form_and_may_not_post_it(client, login_as):
    login_as(Role.LOGISTICS_OFFICER, scope=make_district())
    page = client.get("/logistics/warehouses")
    assert page.status_code == 200 and 'name="code"' not in page.get_data(as_text=True)
    assert client.post_form("/logistics/warehouses", {"code": "W1", "name": "W", "level": "central"}).status_code == 403


def test_a_scoped_coordinator_sees_the_quick_count_but_may_not_draw(client, login_as):
    login_as(Role.OBSERVER_COORDINATOR, scope=make_region())
    page = client.get("/observation/quick-count")
    assert page.status_code == 200 and "Draw the sample" not in page.get_data(as_text=True)
    assert client.post_form("/observation/quick-count", {"size": "1", "seed": "1"}).status_code == 403


def test_results_summary_link_follows_the_report_roles(client, db, login_as):
    from tests.results.factories import make_race

    race = make_race([make_region()], code="PRES")
    db.session.commit()
    # Clerks read the race page, but the summary report admits supervisors and administrators only.
    login_as(Role.RESULTS_CLERK)
    assert "Print the results summary" not in client.get(f"/results/races/{race.code}").get_data(as_text=True)
    client.post_form("/logout")
    login_as(Role.RESULTS_SUPERVISOR)
    assert "Print the results summary" in client.get(f"/results/races/{race.code}").get_data(as_text=True)
