"""Every role's first day on the demo election, walked in Chromium with axe-core checking each page.

Each test signs in as a demo user, opens the role's main pages and does its main
task; axe-core (tests/browser/vendor/axe.min.js) runs on every page the walk opens
and the test fails on any critical or serious violation, listed readably. The
demo is loaded once per worker, through the project's own command (tests/conftest.py:
demo_rows), and its rows written into a database of its own: the per-test emptying of
the shared test database never touches it.
"""

import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.browser.pages import wait_until
from tests.conftest import TEST_DATABASE_URL, worker_database

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = ("critical", "serious")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
# Every page audited in this module, with its counts, for the summary printed at the end.
AUDITED: list[tuple[str, str, dict[str, int]]] = []


@pytest.fixture(scope="module")
def demo(tmp_path_factory, worker_id, demo_rows):
    """The demo election served from a thread, on a database no other test empties."""
    from electoral import create_app
    from electoral.config import testing_config
    from electoral.extensions import db
    from electoral.geography.models import PollingCentre, PollingStation
    from electoral.logistics.models import Consignment
    from electoral.observation.models import Observer
    from electoral.registration.models import Voter
    from electoral.results.models import Race, TallySheet
    from tests.conftest import write_rows

    if TEST_DATABASE_URL.startswith("postgresql"):
        url = worker_database(TEST_DATABASE_URL, f"demo_{worker_id}")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    app = create_app(testing_config(url))
    with app.app_context():
        db.drop_all()
        db.create_all()
        # The demo as loaded once per worker (tests/conftest.py: demo_rows), written into this database.
        loaded, rows = demo_rows
        assert loaded.exit_code == 0, loaded.output
        write_rows(rows)
        session = db.session
        facts = {
            # A voter of the clerk's district (MO-01) for the roll search.
            "voter": session.scalar(sa.select(Voter.voter_number).join(PollingCentre, Voter.centre_id == PollingCentre.id)
                                    .where(PollingCentre.code.like("MO-01-%"))
                                    .where(Voter.status == "active").order_by(Voter.id)),
            "observer_station": session.scalar(sa.select(PollingStation.code).join(Observer, Observer.station_id == PollingStation.id)
                                               .where(Observer.user_id.is_not(None))),
            # A presidential station with no tally sheet yet: the results clerk's first entry.
            "free_station": session.scalar(
                sa.select(PollingStation.code).where(PollingStation.code.like("MO-01-%"))
                .where(~PollingStation.id.in_(sa.select(TallySheet.station_id).join(Race).where(Race.code == "PRES")))
                .order_by(PollingStation.code)),
            "accepted_station": session.scalar(
                sa.select(PollingStation.code).join(TallySheet, TallySheet.station_id == PollingStation.id)
                .where(TallySheet.state == "accepted").order_by(PollingStation.code)),
            "dispatched": session.scalar(sa.select(Consignment.code).where(Consignment.status == "dispatched")),
            "sheet_in_correction": session.scalar(sa.select(TallySheet.id).where(TallySheet.state == "in_correction")),
            "stations_without_reading": session.scalar(sa.select(sa.func.count(PollingStation.id))
                                                       .where(PollingStation.latitude.is_(None))),
        }
        session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"base": f"http://127.0.0.1:{server.server_port}", **facts}
    server.shutdown()
    with app.app_context():
        db.engine.dispose()  # the next run drops and rebuilds the tables
    print("\naxe-core on the demo walks (critical / serious / moderate / minor):")
    for role, url, counts in AUDITED:
        print(f"  {role:<22} {url:<60} {counts['critical']} / {counts['serious']} / {counts['moderate']} / {counts['minor']}")


class Walk:
    """A signed-in browser context for one role, auditing every page it opens."""

    def __init__(self, browser, demo, role, username, viewport=DESKTOP, locale=None):
        options = {"viewport": viewport, "bypass_csp": True}  # axe is injected: the test alone lifts the CSP
        if viewport is PHONE:
            options.update(is_mobile=True, has_touch=True)
        self.context = browser.new_context(**options)
        # axe-core in every page the walk opens, from its start: registered with the browser once, not sent
        # again (0.5 MB) with each page audited.
        self.context.add_init_script(path=str(AXE))
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.base = demo["base"]
        self.role = role
        self.failures: list[str] = []
        if username:
            self.page.goto(f"{self.base}/login")
            self.page.fill("input[name=username]", username)
            self.page.fill("input[name=password]", "demo-password-2026")
            self.page.click("main button[type=submit]")
            # The click only starts the sign-in: wait for the page it leads to, not the sign-in page left.
            expect(self.page, f"{username} could not sign in").not_to_have_url(re.compile(r"/login(\?|$)"))
            self.page.wait_for_load_state()
            if locale:
                if viewport is PHONE:
                    self.page.click("header summary")  # the phone's menu holds the languages
                self.page.click(f"button.lang[value={locale}]")
                expect(self.page.locator("html")).to_have_attribute("lang", locale)  # the page drawn after it
                self.page.wait_for_load_state()
            self.audit()

    def open(self, path):
        response = self.page.goto(f"{self.base}{path}")
        assert response.status == 200, f"{self.role}: {path} answered {response.status}"
        self.audit()

    def audit(self):
        """Run axe-core on the page as it is now; remember every critical or serious violation."""
        violations = self.page.evaluate("""async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + '  ' + n.failureSummary.replace(/\\s+/g, ' '))}));
        }""")
        url = self.page.url.removeprefix(self.base)
        counts = {impact: sum(len(v["nodes"]) for v in violations if v["impact"] == impact)
                  for impact in ("critical", "serious", "moderate", "minor")}
        AUDITED.append((self.role, url, counts))
        for v in violations:
            if v["impact"] in BLOCKING:
                nodes = "\n".join(f"      {node}" for node in v["nodes"][:5])
                more = f"\n      … and {len(v['nodes']) - 5} more" if len(v["nodes"]) > 5 else ""
                self.failures.append(f"{url}: {v['impact']} {v['id']} ({len(v['nodes'])}): {v['help']}\n{nodes}{more}")

    def finish(self):
        self.context.close()
        assert not self.failures, f"axe-core found on the {self.role}'s walk:\n" + "\n".join(self.failures)



def test_administrator_creates_a_user(browser, demo):
    walk = Walk(browser, demo, "administrator", "admin")
    walk.open("/users")
    walk.open("/users/new")
    walk.page.fill("input[name=username]", "kebeh")
    walk.page.fill("input[name=full_name]", "Kebeh Dolo")
    walk.page.fill("input[name=password]", "a-long-password-2026")
    walk.page.check("input[name=roles][value=registration_clerk]")
    walk.page.click("main button[type=submit]")
    walk.page.wait_for_url(f"{walk.base}/users")
    assert "kebeh" in walk.page.content()
    walk.audit()
    walk.open("/audit")
    walk.finish()


def test_registration_clerk_finds_a_voter_on_the_day_after_polling(browser, demo):
    # Polling day + 1: registration and the exhibition are over, so the clerk's task is answering
    # "am I on the roll, where do I vote?": the form says it is closed, the roll search finds the voter.
    walk = Walk(browser, demo, "registration clerk", "clerk")
    walk.open("/registration/register")
    assert walk.page.locator("main button[type=submit].primary").is_disabled()
    walk.open("/registration/voters")
    walk.page.fill("input[name=q]", demo["voter"])
    walk.page.locator("input[name=q]").press("Enter")
    walk.page.wait_for_url(re.compile(r"/registration/voters\?"))
    walk.audit()
    walk.page.click(f"main table a[href$='/registration/voters/{demo['voter']}']")
    walk.page.wait_for_url(re.compile(r"/registration/voters/[^/?]+$"))
    assert demo["voter"] in walk.page.content()
    walk.audit()
    walk.open("/registration/cases")  # the exhibition's cases, one still open for the supervisor
    walk.finish()


def test_registration_supervisor_decides_duplicate_pairs_from_the_queue_and_a_voters_page(browser, demo):
    walk = Walk(browser, demo, "registration supervisor", "supervisor")
    page = walk.page
    walk.open("/registration/duplicates")
    first = page.locator("table.pair-queue tbody tr").first
    decided = first.get_attribute("id")
    first.get_by_role("link", name="Compare").click()
    page.wait_for_url(re.compile(r"/registration/duplicates/\d+\?"))
    walk.audit()  # the two records side by side
    page.select_option("main select[name=decision]", "not_duplicate")
    page.click("main form.card button[type=submit]")
    # Back on the queue, by its path: the pair's address ends with "?next=/registration/duplicates?" too.
    page.wait_for_url(lambda url: urlsplit(url).path == "/registration/duplicates")
    assert page.locator(f"#{decided}").count() == 0
    walk.audit()
    page.locator("table.pair-queue tbody tr td:nth-child(2) a").first.click()
    page.wait_for_url(re.compile(r"/registration/voters/\d+$"))
    voter_url = page.url
    walk.audit()
    page.get_by_role("link", name="Compare and decide").first.click()
    page.wait_for_url(re.compile(r"/registration/duplicates/\d+\?"))
    walk.audit()
    page.select_option("main select[name=decision]", "keep_a")
    page.click("main form.card button[type=submit]")
    page.wait_for_url(voter_url)
    walk.audit()
    walk.open("/registration/roll")
    walk.finish()


def test_logistics_officer_opens_a_consignment_and_its_waybill(browser, demo):
    walk = Walk(browser, demo, "logistics officer", "logistics")
    walk.open("/logistics/")
    walk.open("/logistics/consignments")
    walk.page.click(f"main a[href$='/logistics/consignments/{demo['dispatched']}']")
    walk.page.wait_for_url(f"**/logistics/consignments/{demo['dispatched']}")
    walk.audit()
    walk.page.locator("main a[href*='/reports/waybill']").first.click()
    walk.page.wait_for_url("**/reports/waybill?*")
    walk.audit()
    walk.open("/logistics/discrepancies")
    walk.open("/logistics/custody?seal=SL-999999")
    walk.open("/logistics/staffing")
    walk.finish()


def test_training_coordinator_opens_a_session(browser, demo):
    walk = Walk(browser, demo, "training coordinator", "trainer")
    walk.open("/training/")
    walk.open("/training/sessions")
    walk.page.locator("main table a[href*='/training/sessions/']").first.click()
    walk.page.wait_for_url(re.compile(r"/training/sessions/\d+$"))
    walk.audit()
    walk.open("/training/courses")
    walk.open("/training/officials")
    walk.open("/training/coverage")
    walk.finish()


def _file_count_checklist(walk, station):
    page = walk.page
    walk.open("/observation/my")
    walk.open(f"/observation/my/fill/{station}/COUNT")
    for code, value in {"REG": "10", "CAST": "8", "INV": "1", "C1": "4", "C2": "2", "C3": "1"}.items():
        page.fill(f"input[name={code}]", value)
    page.click("#checklist button[type=submit]")
    wait_until(page, "document.getElementById('form-status').textContent.trim() !== ''"
                      " && JSON.parse(localStorage.getItem('electoral.observation.outbox') || '[]').length === 0")
    walk.audit()


def test_observer_files_the_counting_checklist(browser, demo):
    walk = Walk(browser, demo, "observer", "observer")
    _file_count_checklist(walk, demo["observer_station"])
    walk.open("/observation/my/incident")
    walk.finish()


def test_observer_coordinator_opens_the_dashboard(browser, demo):
    walk = Walk(browser, demo, "observer coordinator", "coordinator")
    walk.open("/observation/dashboard")
    walk.open("/observation/alerts")
    walk.open("/observation/quick-count")
    walk.open("/observation/observers")
    walk.open("/sms/messages")
    walk.finish()


def test_results_clerk_enters_a_tally_sheet(browser, demo):
    walk = Walk(browser, demo, "results clerk", "results")
    walk.open("/results/entry")
    walk.page.select_option("select[name=race]", "PRES")
    walk.page.fill("input[name=station]", demo["free_station"])
    walk.page.click("main button[type=submit]")
    walk.page.wait_for_url(f"**/results/entry/PRES/{demo['free_station']}")
    walk.audit()
    figures = {"ballots_received": "20", "ballots_cast": "8", "unused": "11", "spoiled": "1", "invalid": "1",
               "valid": "7", "candidate_C1": "4", "candidate_C2": "2", "candidate_C3": "1"}
    for name, value in figures.items():
        walk.page.fill(f"input[name={name}]", value)
    walk.page.click("main form.results-entry button[type=submit]")
    walk.page.wait_for_url(f"{walk.base}/results/entry")
    walk.audit()
    walk.finish()


def test_results_supervisor_opens_a_mismatch_and_the_certification(browser, demo):
    walk = Walk(browser, demo, "results supervisor", "results-supervisor")
    walk.open("/results/")
    walk.open("/results/quarantine")
    walk.open("/results/corrections")
    walk.open(f"/results/sheets/{demo['sheet_in_correction']}/resolve")
    walk.open("/results/races/PRES")
    walk.open("/results/races/PRES/progress")
    walk.open("/results/races/PRES/certify")
    walk.finish()


def test_public_reads_the_results(browser, demo):
    walk = Walk(browser, demo, "public", None)
    walk.open("/results/public/")
    walk.open("/results/public/PRES")
    walk.open(f"/results/public/PRES/stations/{demo['accepted_station']}")
    # The open data places every counted station of the demo at its own GPS reading.
    stations = walk.page.request.get(demo["base"] + "/results/public/PRES/stations.json").json()["stations"]
    assert stations and all(s["latitude"] is not None and s["longitude"] is not None for s in stations)
    assert demo["stations_without_reading"] == 0
    walk.open("/login")
    walk.finish()


def test_arabic_on_a_phone_observer_files_and_supervisor_compares_a_pair(browser, demo):
    walk = Walk(browser, demo, "observer (ar, 360×740)", "observer", viewport=PHONE, locale="ar")
    assert walk.page.get_attribute("html", "dir") == "rtl"
    _file_count_checklist(walk, demo["observer_station"])
    assert walk.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    walk.finish()
    walk = Walk(browser, demo, "supervisor (ar, 360×740)", "supervisor", viewport=PHONE, locale="ar")
    walk.open("/registration/duplicates")
    assert walk.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    walk.page.locator("table.pair-queue tbody tr a[href*='/registration/duplicates/']").first.click()
    walk.page.wait_for_url(re.compile(r"/registration/duplicates/\d+\?"))
    walk.audit()
    assert walk.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    walk.finish()
