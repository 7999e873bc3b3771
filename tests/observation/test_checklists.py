"""Building checklist templates, versioning, validation, idempotent filing and revisions."""

import pytest

from electoral.core.errors import ValidationFailed
from electoral.observation import services
from electoral.observation.models import Alert, Answer, Submission
from tests.observation.factories import OPENING_OK, make_observer, make_opening_checklist


def test_built_template_keeps_questions_in_order_with_their_texts(db):
    template = make_opening_checklist()
    assert [q.code for q in template.questions] == ["Q1", "Q2", "Q3", "Q4", "Q5"]
    assert services.text_in(template.questions[0].texts, "fr") == "Le bureau a-t-il ouvert à l'heure ?"
    assert services.text_in(template.questions[0].texts, "ar") == "Did the station open on time?"


def test_condition_naming_an_unknown_question_is_refused(db):
    template = services.create_template(db.session, "T", "T", "opening")
    with pytest.raises(ValidationFailed) as failure:
        services.add_question(db.session, template, "Q1", "yes_no", {"en": "x"}, relevance="Q9 = no")
    assert "Q9" in failure.value.errors["relevance"][0]


def test_choice_question_needs_two_choices(db):
    template = services.create_template(db.session, "T", "T", "opening")
    with pytest.raises(ValidationFailed) as failure:
        services.add_question(db.session, template, "Q1", "single_choice", {"en": "x"},
                              choices=services.parse_choices("a"))
    assert "choices" in failure.value.errors


def test_editing_a_published_template_makes_a_new_version(db):
    template = make_opening_checklist()
    draft = services.editable(db.session, template)
    assert (draft.version, draft.published) == (2, False)
    services.add_question(db.session, draft, "Q6", "text", {"en": "Remarks"}, required=False)
    services.publish(db.session, draft)
    assert len(template.questions) == 5 and len(draft.questions) == 6
    assert template.retired
    assert services.latest(db.session, "OPEN", published_only=True).version == 2


def test_submission_keeps_the_version_it_was_filled_with(db):
    template = make_opening_checklist()
    observer = make_observer()
    submission, _ = services.submit(db.session, template, observer.station, OPENING_OK, "client-0001", observer)
    services.publish(db.session, services.editable(db.session, template))
    assert submission.template.version == 1


def test_a_draft_question_is_edited_and_keeps_its_other_language_choice_labels(db):
    template = make_opening_checklist(publish=False)
    problems = template.questions[4]
    problems.choices[0]["texts"]["fr"] = "Pas d'encre"
    services.update_question(db.session, problems, "Q5", "multiple_choice", {"en": "Problems observed"},
                             choices=services.parse_choices("ink = Ink missing\nseal = No seals"), required=False)
    assert problems.texts == {"en": "Problems observed"}
    assert problems.choices == [{"value": "ink", "texts": {"en": "Ink missing", "fr": "Pas d'encre"}},
                                {"value": "seal", "texts": {"en": "No seals"}}]


def test_a_draft_question_may_not_name_a_later_question_in_its_condition(db):
    template = make_opening_checklist(publish=False)
    with pytest.raises(ValidationFailed) as failure:
        services.update_question(db.session, template.questions[0], "Q1", "yes_no", {"en": "On time?"},
                                 relevance="Q3 = yes")
    assert "Q3" in failure.value.errors["relevance"][0]


def test_a_question_named_by_a_later_condition_is_neither_renamed_nor_removed(db):
    template = make_opening_checklist(publish=False)
    with pytest.raises(ValidationFailed) as failure:
        services.update_question(db.session, template.questions[0], "Q1B", "yes_no", {"en": "On time?"})
    assert "Q2" in failure.value.errors["code"][0]
    with pytest.raises(ValidationFailed):
        services.remove_question(db.session, template.questions[0])
    services.remove_question(db.session, template.questions[3])
    assert [(q.code, q.position) for q in template.questions] == [("Q1", 1), ("Q2", 2), ("Q3", 3), ("Q5", 4)]


def test_questions_of_a_published_template_cannot_be_edited_or_removed(db):
    template = make_opening_checklist()
    with pytest.raises(ValidationFailed):
        services.update_question(db.session, template.questions[3], "Q4", "integer", {"en": "x"})
    with pytest.raises(ValidationFailed):
        services.remove_question(db.session, template.questions[3])


def test_a_published_template_cannot_be_changed_in_place(db):
    template = make_opening_checklist()
    with pytest.raises(ValidationFailed):
        services.add_question(db.session, template, "Q9", "text", {"en": "x"})


def test_answers_are_typed_and_bounds_checked(db):
    template = make_opening_checklist()
    clean, errors = services.validate_answers(template, {"Q1": "no", "Q2": "700", "Q3": "maybe", "Q4": "3",
                                                         "Q5": ["ink", "fuel"], "Q99": 1})
    assert errors == {
        "Q99": ["This checklist has no question Q99."], "Q2": ["At most 600."],
        "Q3": ["Answer yes or no."], "Q5": ["Not a choice of this question: fuel."]}
    assert clean == {"Q1": "no", "Q4": 3}


def test_required_question_left_empty_is_reported(db):
    template = make_opening_checklist()
    _, errors = services.validate_answers(template, {"Q1": "yes", "Q3": "yes"})
    assert errors == {"Q4": ["Answer this question."]}


def test_answer_to_a_hidden_question_is_dropped(db):
    template = make_opening_checklist()
    clean, errors = services.validate_answers(template, {**OPENING_OK, "Q2": 30})
    assert errors == {} and "Q2" not in clean


def test_relevant_question_must_be_answered(db):
    template = make_opening_checklist()
    _, errors = services.validate_answers(template, {**OPENING_OK, "Q1": "no"})
    assert errors == {"Q2": ["Answer this question."]}


def test_critical_answer_raises_an_alert(db):
    template = make_opening_checklist()
    observer = make_observer()
    submission, _ = services.submit(db.session, template, observer.station, {**OPENING_OK, "Q3": "no"},
                                    "client-0002", observer)
    alerts = db.session.scalars(db.select(Alert)).all()
    assert submission.critical
    assert [a.question_code for a in alerts] == ["Q3"]
    assert "Was the ballot box sealed? = no" in alerts[0].summary


def test_same_client_id_twice_gives_one_submission(db):
    template = make_opening_checklist()
    observer = make_observer()
    first, created = services.submit(db.session, template, observer.station, OPENING_OK, "client-0003", observer)
    again, created_again = services.submit(db.session, template, observer.station, OPENING_OK, "client-0003",
                                           observer)
    assert (created, created_again) == (True, False)
    assert again.id == first.id
    assert db.session.scalar(db.select(db.func.count(Submission.id))) == 1


def test_correction_is_a_new_revision_and_keeps_the_history(db):
    template = make_opening_checklist()
    observer = make_observer()
    first, _ = services.submit(db.session, template, observer.station, OPENING_OK, "client-0004", observer)
    second, _ = services.submit(db.session, template, observer.station, {**OPENING_OK, "Q4": 7}, "client-0005",
                                observer)
    assert second.revision == 2 and second.current and not first.current
    assert [s.revision for s in services.history(db.session, first)] == [2, 1]
    current = db.session.scalars(db.select(Answer.value_num).where(Answer.current.is_(True),
                                                                   Answer.value_num == 7)).all()
    assert current == [7.0]


def test_invalid_submission_reports_every_field(db):
    template = make_opening_checklist()
    observer = make_observer()
    with pytest.raises(ValidationFailed) as failure:
        services.submit(db.session, template, observer.station, {"Q1": "x"}, "bad id", observer)
    assert set(failure.value.errors) == {"client_id", "answers.Q1", "answers.Q3", "answers.Q4"}


def test_unaccredited_observer_may_not_file(db):
    observer = make_observer(accredited=False)
    assert services.may_file(observer, observer.station) == "Only accredited observers can file checklists."


def test_observer_may_not_file_for_another_station(db):
    observer = make_observer()
    other = make_observer()
    assert "not deployed" in services.may_file(observer, other.station)
