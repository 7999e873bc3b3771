"""The page speaks the user's language: profile, then switcher, then browser."""

from electoral.core.auth import Role
from tests.factories import make_centre, make_district, make_region, make_station


def _html_tag(page) -> str:
    text = page.get_data(as_text=True)
    return text[text.index("<html"):text.index(">", text.index("<html")) + 1]


def test_browser_language_decides_for_anonymous_visitors(client):
    assert _html_tag(client.get("/login", headers={"Accept-Language": "pt-BR,pt;q=0.9"})) == \
        '<html lang="pt" dir="ltr">'
    assert _html_tag(client.get("/login", headers={"Accept-Language": "ar-LY"})) == '<html lang="ar" dir="rtl">'
    assert _html_tag(client.get("/login", headers={"Accept-Language": "de"})) == '<html lang="en" dir="ltr">'


def test_switcher_works_before_signing_in(client):
    response = client.post_form("/language", {"lang": "es", "next": "/login"})
    assert response.headers["Location"] == "/login"
    assert _html_tag(client.get("/login", headers={"Accept-Language": "fr"})) == '<html lang="es" dir="ltr">'


def test_unknown_language_is_ignored(client):
    client.post_form("/language", {"lang": "xx"})
    assert _html_tag(client.get("/login")) == '<html lang="en" dir="ltr">'


def test_profile_language_wins_over_the_browser(client, db, login_as):
    user = login_as(Role.OBSERVER)
    user.locale = "fr"
    db.session.commit()
    assert _html_tag(client.get("/", headers={"Accept-Language": "ar"})) == '<html lang="fr" dir="ltr">'


def test_numbers_are_formatted_for_the_locale(client, db, login_as):
    login_as(Role.ADMINISTRATOR)
    centre = make_centre(make_district(make_region(name="Montserrado")))
    make_station(centre, capacity=600)
    make_station(centre, capacity=650)
    db.session.commit()
    assert "1,250" in client.get("/geography/").get_data(as_text=True)
    client.post_form("/language", {"lang": "fr"})
    assert "1\u202f250" in client.get("/geography/").get_data(as_text=True)
    client.post_form("/language", {"lang": "pt"})
    assert "1.250" in client.get("/geography/").get_data(as_text=True)
