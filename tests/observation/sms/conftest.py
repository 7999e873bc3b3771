import pytest

GATEWAYS = {
    "tr": {"kind": "telerivet", "secret": "tr-secret"},
    "at": {"kind": "africastalking", "secret": "at-secret", "send_url": "https://api.example.invalid/messaging",
           "username": "nec", "api_key": "at-key"},
    "rp": {"kind": "rapidpro", "secret": "rp-secret", "send_url": "https://rp.example.invalid/api/v2/broadcasts.json",
           "api_token": "rp-token"},
    "kn": {"kind": "kannel", "secret": "kn-secret"},
}


@pytest.fixture(autouse=True)
def gateways(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_GATEWAYS", GATEWAYS)
    return GATEWAYS


@pytest.fixture
def sent(monkeypatch):
    """Replies sent through a gateway's API, captured instead of going out."""
    from electoral.observation.sms import gateways

    calls = []

    def fake(url, data, headers):
        calls.append((url, data, headers))
        return 201

    monkeypatch.setattr(gateways, "send_request", fake)
    return calls
