"""`electoral sms ...`."""

from tests.observation.factories import make_observer, make_opening_checklist


def test_receive_files_a_message_and_prints_the_reply(runner, db):
    make_opening_checklist()
    observer = make_observer()
    db.session.commit()
    result = runner.invoke(args=["sms", "receive", "--sender", observer.phone,
                                 f"OPEN {observer.accreditation_number} Q1Y Q3Y Q45"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("processed: OPEN received for")


def test_gateways_lists_each_webhook_address(runner, db):
    result = runner.invoke(args=["sms", "gateways"])
    assert "tr\ttelerivet\t/sms/inbound/tr" in result.output
