"""XLSForm features a checklist keeps (hint, constraint_message, default), on the phone page and on the server."""

import pytest

from electoral.core.errors import ImportFailed
from electoral.observation import services
from tests.factories import PASSWORD
from tests.observation.factories import make_observer
from tests.observation.test_xlsform_pyxform import workbook

HEADER = ["type", "name", "label::English (en)", "label::French (fr)", "hint::English (en)", "hint::French (fr)",
          "constraint", "constraint_message::English (en)", "constraint_message::French (fr)", "default", "required"]


def _form(rows) -> bytes:
    return workbook({"survey": [HEADER, *rows],
                     "choices": [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"],
                                 ["prob", "ink", "No ink"], ["prob", "lamp", "No lamp"], ["prob", "seal", "No seal"]],
                     "settings": [["form_id", "form_title"], ["open", "Opening"]]})


QUEUE = ["integer", "queue", "Voters in the queue", "Électeurs en file", "Count them at 7:00", "Comptez-les à 7 h",
         ". >= 0 and . <= 900", "No more than 900 here", "Pas plus de 900 ici", "", "yes"]
PROBLEMS = ["select_multiple prob", "problems", "Problems", "Problèmes", "", "", "", "", "", "ink seal", ""]


def _published(db, rows):
    template = services.import_xlsform(db.session, _form(rows))
    services.publish(db.session, template)
    db.session.commit()
    return template


def test_constraint_message_replaces_the_plain_bounds_message_on_the_server(db):
    template = _published(db, [QUEUE])
    assert services.validate_answers(template, {"queue": 950})[1] == {"queue": ["No more than 900 here"]}


def test_hint_and_default_reach_the_phone_page_in_the_observers_language(client, db):
    _published(db, [QUEUE, PROBLEMS])
    observer = make_observer()
    observer.user.locale = "fr"
    db.session.commit()
    assert client.post_form("/login", {"username": observer.user.username, "password": PASSWORD}).status_code == 302
    page = client.get(f"/observation/my/fill/{observer.station.code}/OPEN").get_data(as_text=True)
    assert "Comptez-les à 7 h" in page
    assert 'value="ink" checked' in page and 'value="seal" checked' in page and 'value="lamp" checked' not in page


def test_constraint_message_in_the_observers_language_beside_the_question(client, db):
    _published(db, [QUEUE])
    observer = make_observer()
    observer.user.locale = "fr"
    db.session.commit()
    assert client.post_form("/login", {"username": observer.user.username, "password": PASSWORD}).status_code == 302
    url = f"/observation/my/fill/{observer.station.code}/OPEN"
    page = client.get(url).get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(url, data={"csrf_token": token, "client_id": "xlsform-0001", "queue": "901"})
    assert response.status_code == 422 and "Pas plus de 900 ici" in response.get_data(as_text=True)


@pytest.mark.parametrize(("column", "value", "feature"), [
    ("default", "today()", "a computed default"),
    ("constraint", "substr(., 0, 2) = '12'", "the constraint"),
])
def test_what_a_checklist_cannot_keep_is_refused_by_name(db, column, value, feature):
    row = ["text", "seal", "Seal number", "", "", "", "", "", "", "", ""]
    row[HEADER.index(column)] = value
    with pytest.raises(ImportFailed) as failure:
        services.import_xlsform(db.session, _form([row]))
    [error] = failure.value.errors
    assert f"survey sheet, row 2, column {column}: {feature}" in error.message


BALLOTS = ["integer", "ballots", "Ballots received", "", "", "", ". >= 0", "", "", "", "yes"]
CAST = ["integer", "cast", "Ballots cast", "Bulletins utilisés", "", "", ". <= ${ballots}",
        "More than the ballots received", "Plus que les bulletins reçus", "", "yes"]
SEAL = ["text", "seal", "Seal number", "", "", "", "regex(., '^[0-9]{6}$')", "Six digits", "", "", ""]


def test_constraint_naming_another_answer_is_kept_and_checked_on_the_server(db):
    template = _published(db, [BALLOTS, CAST])
    assert template.question("cast").constraint == ". <= ${ballots}"
    assert services.validate_answers(template, {"ballots": 300, "cast": 300})[1] == {}
    assert services.validate_answers(template, {"ballots": 300, "cast": 301})[1] == {
        "cast": ["More than the ballots received"]}


def test_regex_constraint_is_kept_and_checked_on_the_server(db):
    template = _published(db, [SEAL])
    assert services.validate_answers(template, {"seal": "123456"})[1] == {}
    assert services.validate_answers(template, {"seal": "12345x"})[1] == {"seal": ["Six digits"]}


def test_phone_page_carries_the_same_constraint_tree_and_message(client, db):
    _published(db, [BALLOTS, CAST])
    observer = make_observer()
    observer.user.locale = "fr"
    db.session.commit()
    assert client.post_form("/login", {"username": observer.user.username, "password": PASSWORD}).status_code == 302
    page = client.get(f"/observation/my/fill/{observer.station.code}/OPEN").get_data(as_text=True)
    assert page.count("data-constraint=") == 1  # "ballots" has bounds only, which the input's min/max carry
    assert ('data-constraint="{&#34;cmp&#34;: &#34;\\u003c=&#34;, &#34;q&#34;: &#34;.&#34;, '
            '&#34;v&#34;: {&#34;ref&#34;: &#34;ballots&#34;}}"') in page
    assert 'data-constraint-message="Plus que les bulletins reçus"' in page


NOTE = ["note", "intro", "Count before you open the box", "Comptez avant d'ouvrir l'urne", "", "", "", "", "", "", ""]
OPENED_ON = ["date", "opened_on", "Date the station opened", "", "", "", "", "", "", "", "yes"]


def test_note_is_shown_and_never_answered_and_a_date_is_checked(client, db):
    template = _published(db, [NOTE, OPENED_ON])
    assert [q.type for q in template.questions] == ["note", "date"] and not template.question("intro").required
    assert services.validate_answers(template, {"opened_on": "2026-11-03"}) == ({"opened_on": "2026-11-03"}, {})
    assert services.validate_answers(template, {"opened_on": "03/11/2026"})[1] == {
        "opened_on": ["Give a date as YYYY-MM-DD."]}
    observer = make_observer()
    db.session.commit()
    assert client.post_form("/login", {"username": observer.user.username, "password": PASSWORD}).status_code == 302
    page = client.get(f"/observation/my/fill/{observer.station.code}/OPEN").get_data(as_text=True)
    assert "Count before you open the box" in page and 'name="intro"' not in page
    assert 'type="date" name="opened_on"' in page


def test_note_and_date_export_and_import_back_unchanged(db):
    from electoral.observation.services.xlsform_export import export_xlsform
    from tests.observation.test_xlsform_export import meaning

    template = _published(db, [NOTE, OPENED_ON, QUEUE])
    again = services.import_xlsform(db.session, export_xlsform(template))
    assert meaning(again) == meaning(template)


def _cascade() -> bytes:
    return workbook({
        "survey": [["type", "name", "label", "choice_filter", "required"],
                   ["select_one district", "district", "District", "", "yes"],
                   ["select_one centre", "centre", "Polling centre", "district = ${district}", "yes"]],
        "choices": [["list_name", "name", "label", "district"],
                    ["district", "d1", "North", ""], ["district", "d2", "South", ""],
                    ["centre", "c1", "School", "d1"], ["centre", "c2", "Church", "d1"], ["centre", "c3", "Hall", "d2"]],
        "settings": [["form_id", "form_title"], ["open", "Opening"]]})


def test_choice_filter_cascade_is_kept_and_checked_on_the_server(db):
    template = services.import_xlsform(db.session, _cascade())
    services.publish(db.session, template)
    db.session.commit()
    centre = template.question("centre")
    assert centre.choice_filter == "district = ${district}" and centre.choices[2]["data"] == {"district": "d2"}
    assert services.validate_answers(template, {"district": "d1", "centre": "c2"})[1] == {}
    assert services.validate_answers(template, {"district": "d1", "centre": "c3"})[1] == {
        "centre": ["Not a choice of this question: c3."]}


def test_choice_filter_reaches_the_phone_page_and_round_trips(client, db):
    from electoral.observation.services.xlsform_export import export_xlsform
    from tests.observation.test_xlsform_export import meaning

    template = services.import_xlsform(db.session, _cascade())
    services.publish(db.session, template)
    observer = make_observer()
    db.session.commit()
    assert client.post_form("/login", {"username": observer.user.username, "password": PASSWORD}).status_code == 302
    page = client.get(f"/observation/my/fill/{observer.station.code}/OPEN").get_data(as_text=True)
    assert 'data-choice-filter="{&#34;cmp&#34;: &#34;=&#34;, &#34;q&#34;: &#34;district&#34;' in page
    assert 'data-choice="{&#34;district&#34;: &#34;d2&#34;}"' in page
    again = services.import_xlsform(db.session, export_xlsform(template))
    assert meaning(again) == meaning(template) and again.question("centre").choice_filter == "district = ${district}"


def test_label_showing_an_earlier_answer_is_filled_on_the_phone_page(client, db):
    confirm = ["integer", "confirm", "You counted ${queue}: count again", "", "", "", "", "", "", "", ""]
    _published(db, [QUEUE, confirm])
    observer = make_observer()
    db.session.commit()
    assert client.post_form("/login", {"username": observer.user.username, "password": PASSWORD}).status_code == 302
    url = f"/observation/my/fill/{observer.station.code}/OPEN"
    page = client.get(url).get_data(as_text=True)
    assert '<span data-label="You counted ${queue}: count again">You counted : count again</span>' in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    page = client.post(url, data={"csrf_token": token, "client_id": "xlsform-label-1", "queue": "901"}).get_data(
        as_text=True)
    assert ">You counted 901: count again</span>" in page


def test_label_naming_a_later_question_is_refused(db):
    # pyxform accepts it; the phone shows only answers given before the question.
    row = ["integer", "confirm", "You counted ${queue}", "", "", "", "", "", "", "", ""]
    with pytest.raises(ImportFailed) as failure:
        services.import_xlsform(db.session, _form([row, QUEUE]))
    assert "row 2, column label: an answer shown inside a text (${…}) of queue" in failure.value.errors[0].message
