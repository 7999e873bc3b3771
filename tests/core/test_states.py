"""States with their labels: one place per column, and a label for every value the model knows."""

import pytest

from electoral.core.states import States


def test_a_value_without_a_label_or_a_label_without_a_value_is_refused():
    with pytest.raises(ValueError, match="without a label"):
        States(("open", "closed"), {"open": "Open"})
    with pytest.raises(ValueError, match="unknown"):
        States(("open",), {"open": "Open", "shut": "Shut"})


def test_states_keep_the_models_order_and_give_labels_and_choices():
    states = States(("b", "a"), {"a": "Alpha", "b": "Beta"})
    assert list(states) == ["b", "a"] and states.values == ("b", "a")
    assert states.label("a") == "Alpha" and states.label("zz") == "zz" and states.label(None) == ""
    assert states.choices(("", "Any")) == [("", "Any"), ("b", "Beta"), ("a", "Alpha")]
    assert states.choices(only=("a",)) == [("a", "Alpha")]
    assert "a" in states and "zz" not in states


def test_every_domains_labels_cover_their_models_values(app):
    # Importing a domain's labels checks it; the constraint values stay the model's tuples, in their order.
    from electoral.logistics import labels as logistics
    from electoral.logistics import models

    assert logistics.CONSIGNMENT_STATE.values == models.CONSIGNMENT_STATES
    assert logistics.WAREHOUSE_LEVEL.values == models.WAREHOUSE_LEVELS


def test_training_labels_are_the_models_values(app):
    from electoral.training import models
    from electoral.training import services as training

    assert training.STATUS_LABELS.values == models.STATUSES
    assert training.EDUCATION_LABELS.values == models.EDUCATION_LEVELS


def test_results_labels_are_the_models_values(app):
    from electoral.results import labels, models
    from electoral.results.services import aggregate

    assert labels.SHEET_STATE.values == models.STATES
    assert aggregate.LEVELS == labels.LEVEL.values
    with app.test_request_context():
        assert labels.SHEET_STATE.label("in_correction") == "in correction"


def test_observation_labels_are_the_models_values(app):
    from electoral.observation import forms, labels, models
    from electoral.observation.sms import models as sms

    assert labels.ACCREDITATION.values == models.ACCREDITATION_STATES
    assert labels.SMS_STATE.values == sms.SMS_STATES
    # The forms' choices are the labels', in the models' order.
    assert [value for value, _label in forms.ObserverForm.sex.kwargs["choices"]] == list(labels.SEX)


def test_registration_labels_are_the_models_values_and_the_pages_filters(app):
    from flask import render_template_string

    from electoral.registration import labels, models

    assert labels.VOTER_STATUS.values == models.STATUSES
    assert labels.REMOVAL_REASON.values == models.REMOVAL_REASONS
    with app.test_request_context():
        assert render_template_string("{{ 'upheld'|case_status }} · {{ 'not_duplicate'|pair_status }}") == (
            "Upheld · Not a duplicate")
