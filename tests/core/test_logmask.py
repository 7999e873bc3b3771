"""Issue 16, finding 14 (b): an SMS gateway's secret in a webhook URL never reaches a log line."""

import datetime as dt
import logging
import types

import pytest

from electoral.core.logmask import mask

URL = "/sms/inbound/at-lr?secret=s3cr3t-value&x=1&key=other-secret"


@pytest.mark.parametrize("text, expected", [
    (URL, "/sms/inbound/at-lr?secret=***&x=1&key=***"),
    ("GET /a?SECRET=abc HTTP/1.1", "GET /a?SECRET=*** HTTP/1.1"),
    ("secret=abc&api_key=def", "secret=***&api_key=***"),
    ("/sms/inbound/at-lr?monkey=1", "/sms/inbound/at-lr?monkey=1"),
    ("no query at all", "no query at all"),
])
def test_mask_hides_secret_parameters_only(text, expected):
    assert mask(text) == expected


def test_the_development_servers_request_line_is_masked(app, caplog):
    from werkzeug._internal import _log

    with caplog.at_level(logging.INFO, logger="werkzeug"):
        _log("info", '"%s" %s %s', f"POST {URL} HTTP/1.1", 200, 12)  # as WSGIRequestHandler.log_request does
    assert "s3cr3t-value" not in caplog.text and "other-secret" not in caplog.text
    assert "secret=***" in caplog.text


def test_gunicorns_access_line_is_masked():
    from gunicorn.config import Config

    from electoral.gunicorn_conf import MaskingLogger

    logger = MaskingLogger(Config())
    environ = {"REQUEST_METHOD": "POST", "RAW_URI": URL, "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": "/sms/inbound/at-lr", "QUERY_STRING": URL.split("?", 1)[1],
               "HTTP_REFERER": f"https://gateway.example{URL}", "REMOTE_ADDR": "10.0.0.9"}
    response = types.SimpleNamespace(status="200 OK", sent=12, headers=[])
    atoms = logger.atoms(response, types.SimpleNamespace(headers=[]), environ, dt.timedelta(milliseconds=4))
    line = logger.cfg.access_log_format % atoms
    assert "s3cr3t-value" not in line and "other-secret" not in line and "secret=***" in line


def test_the_gunicorn_settings_use_the_masking_logger():
    from electoral import gunicorn_conf

    assert gunicorn_conf.logger_class is gunicorn_conf.MaskingLogger


def test_a_gateway_may_send_its_secret_in_a_header_instead_of_the_url(app, client, monkeypatch):
    gateways = {"kn": {"kind": "kannel", "secret": "kn-secret"}}
    monkeypatch.setitem(app.config, "SMS_GATEWAYS", gateways)
    form = {"sender": "+231770000000", "text": "HELLO"}
    assert client.post("/sms/inbound/kn", data=form).status_code == 403
    assert client.post("/sms/inbound/kn", data=form, headers={"X-SMS-Secret": "wrong"}).status_code == 403
    assert client.post("/sms/inbound/kn", data=form, headers={"X-SMS-Secret": "kn-secret"}).status_code != 403
