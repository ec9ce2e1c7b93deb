"""Every Web Connector reply of the session logic, on SQLite and PostgreSQL.

These drive QbwcService directly, the way the Web Connector calls it; the SOAP layer has its own
tests, and tests/acceptance drives the whole server over HTTP.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from lxml import etree

from qbwc_server.config import Settings
from qbwc_server.messages import HRESULTS
from qbwc_server.secrets import hash_password
from qbwc_server.service import MSG_BUSY, MSG_LOCKED, MSG_NVU, MSG_UNKNOWN_TICKET, QbwcService
from qbwc_server.sync.registry import default_registry
from request_queue.store import Store
from tests.conftest import Clock
from tests.support import canned

FILE = r"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Ridgeline.QBW"
PASSWORD = "correct horse battery"


class World:
    """A service, its store and one company, with a hand-moved clock."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.clock = clock
        self.settings = settings
        self.store = Store(settings.database_url, clock=clock)
        self.service = QbwcService(self.store, settings, default_registry())
        with self.store.transaction() as tx:
            self.company_id = tx.companies.create(
                name="Ridgeline Remodeling",
                qbwc_username="ridgeline",
                password_hash=hash_password(PASSWORD, iterations=1000),
                owner_id="{o}",
                file_id="{f}",
                settings={"uppercase": False},
            ).id

    def enqueue_imports(self, n: int = 1) -> list[int]:
        with self.store.transaction() as tx:
            return [
                tx.queue.enqueue(self.company_id, entity="account", action="import").id
                for _ in range(n)
            ]

    def state(self, request_id: int) -> str:
        with self.store.transaction() as tx:
            return tx.queue.get(request_id).state

    def log_events(self) -> list[str]:
        with self.store.transaction() as tx:
            return [e.event for e in tx.log.read(self.company_id, limit=500)]

    def log_messages(self) -> list[str]:
        with self.store.transaction() as tx:
            return [e.message for e in tx.log.read(self.company_id, limit=500)]

    def sign_in(self, password: str = PASSWORD) -> list[str]:
        return self.service.authenticate("ridgeline", password)

    def send(self, ticket: str, *, hcp: str = "", file: str = FILE) -> str:
        return self.service.send_request_xml(ticket, hcp, file, "US", 13, 0)


@pytest.fixture
def world(settings: Settings, clock: Clock) -> World:
    w = World(settings, clock)
    yield w
    w.store.dispose()


def request_ids(qbxml: str) -> list[str]:
    root = etree.fromstring(qbxml.split("?>", 2)[-1].encode())
    return [el.get("requestID") for el in root.find("QBXMLMsgsRq")]


def test_versions(world: World) -> None:
    assert world.service.server_version().startswith("qbwc-server ")
    assert world.service.client_version("2.3.0.215") == ""
    assert world.service.client_version("") == ""
    assert world.service.client_version("1.5.0.1") == "O:2.0"


def test_a_whole_session_imports_accounts(world: World) -> None:
    (rid,) = world.enqueue_imports()
    ticket, path = world.sign_in()
    assert path == ""  # no company file bound yet: use the one that is open
    qbxml = world.send(ticket, hcp=canned.hcp())
    assert '<?qbxml version="13.0"?>' in qbxml
    assert "<AccountQueryRq" in qbxml
    (qb_request_id,) = request_ids(qbxml)
    percent = world.service.receive_response_xml(
        ticket, canned.account_query_rs(qb_request_id), "", ""
    )
    assert percent == 100
    assert world.service.close_connection(ticket) == "Synced 1, 0 failed"
    assert world.state(rid) == "done"
    with world.store.transaction() as tx:
        accounts = tx.records.of_kind(world.company_id, "account")
        links = tx.records.links(world.company_id, "account")
        company = tx.companies.get(world.company_id)
    assert len(accounts) >= 5
    assert all(r.record_id.startswith("qb-") and r.origin == "quickbooks" for r in accounts)
    assert {link.app_id for link in links} == {r.record_id for r in accounts}
    assert company.company_file == FILE  # bound on the first session
    assert company.qbxml_version == "13.0"
    assert company.host_info and "Enterprise" in company.host_info["product_name"]
    assert company.last_session_result == "Synced 1, 0 failed"
    # A second session is handed the bound file, and a re-import updates in place.
    world.enqueue_imports()
    ticket2, path2 = world.sign_in()
    assert path2 == FILE
    (qb2,) = request_ids(world.send(ticket2, hcp=canned.hcp()))
    assert world.service.receive_response_xml(ticket2, canned.account_query_rs(qb2), "", "") == 100
    with world.store.transaction() as tx:
        assert len(tx.records.of_kind(world.company_id, "account")) == len(accounts)


def test_percent_counts_up_while_work_remains(world: World) -> None:
    world.settings = replace(world.settings, message_set_max_requests=1)
    world.service = QbwcService(world.store, world.settings, default_registry())
    world.enqueue_imports(3)
    ticket, _ = world.sign_in()
    percents = []
    hcp = canned.hcp()
    while True:
        qbxml = world.send(ticket, hcp=hcp)
        hcp = ""
        assert qbxml
        (qb_id,) = request_ids(qbxml)
        percents.append(
            world.service.receive_response_xml(ticket, canned.account_query_rs(qb_id), "", "")
        )
        if percents[-1] == 100:
            break
    assert percents == [33, 66, 100]


def test_bad_password_is_nvu_and_repeated_failures_lock_the_user_out(world: World) -> None:
    world.enqueue_imports()
    for _ in range(world.settings.login_max_failures):
        ticket, answer = world.sign_in("wrong password")
        assert answer == "nvu"
    assert world.service.close_connection(ticket) == MSG_NVU
    ticket, answer = world.sign_in()  # the right password, but locked out
    assert answer == "nvu"
    assert world.service.close_connection(ticket) == MSG_LOCKED
    world.clock.advance(world.settings.login_lockout_seconds + 1)
    assert world.sign_in()[1] == ""


def test_unknown_user_is_nvu(world: World) -> None:
    assert world.service.authenticate("nobody", "whatever")[1] == "nvu"


def test_none_when_there_is_no_work_or_the_company_is_paused(world: World) -> None:
    ticket, answer = world.sign_in()
    assert answer == "none"
    assert world.service.close_connection(ticket) == "Nothing to sync."
    world.enqueue_imports()
    with world.store.transaction() as tx:
        tx.companies.update(world.company_id, enabled=False)
    assert world.sign_in()[1] == "none"
    with world.store.transaction() as tx:
        tx.companies.update(world.company_id, enabled=True)
    assert world.sign_in()[1] == ""


def test_busy_while_another_session_is_live_and_a_dead_one_is_released(world: World) -> None:
    (rid,) = world.enqueue_imports()
    first, _ = world.sign_in()
    assert world.send(first, hcp=canned.hcp())
    ticket, answer = world.sign_in()
    assert answer == "busy"
    assert world.service.close_connection(ticket) == MSG_BUSY
    # The first Web Connector goes silent; after busy_seconds its session is taken as dead and
    # its read-only request goes back to the queue.
    world.clock.advance(world.settings.busy_seconds + 1)
    _second, answer = world.sign_in()
    assert answer == FILE  # not busy; the file was bound by the first session
    assert world.state(rid) == "queued"
    assert "session_lost" in world.log_events()
    assert world.service.receive_response_xml(first, "<QBXML/>", "", "") == -1


def test_a_different_company_file_is_refused_and_nothing_syncs(world: World) -> None:
    with world.store.transaction() as tx:
        tx.companies.update(world.company_id, company_file=FILE)
    (rid,) = world.enqueue_imports()
    ticket, path = world.sign_in()
    assert path == FILE
    other = r"C:\Company Files\Someone Else.QBW"
    assert world.send(ticket, hcp=canned.hcp(), file=other) == ""
    error = world.service.get_last_error(ticket)
    assert other in error and FILE in error and "Nothing was synced" in error
    assert world.state(rid) == "queued"
    assert world.service.close_connection(ticket).startswith("Synced 0, 0 failed; stopped:")
    # The same file in other letter case and slashes is the same file.
    ticket, _ = world.sign_in()
    assert world.send(ticket, hcp=canned.hcp(), file=FILE.upper().replace("\\", "/")) != ""


def test_old_quickbooks_is_refused_with_words_a_user_can_act_on(world: World) -> None:
    world.enqueue_imports()
    ticket, _ = world.sign_in()
    old = (
        canned.FIXTURES.parents[1]
        / "shared"
        / "samples"
        / "qbxml"
        / "HostQueryRs+CompanyQueryRs+PreferencesQueryRs.strHCPResponse.QBPro2006."
        "consolibyte-log-2008.xml"
    )
    if not old.is_file():
        pytest.skip(f"the QuickBooks Pro 2006 sample is not at {old}")
    assert world.service.send_request_xml(ticket, old.read_text(), FILE, "US", 5, 0) == ""
    error = world.service.get_last_error(ticket)
    assert "12.0" in error
    assert world.service.close_connection(ticket).startswith("Synced 0, 0 failed; stopped:")


def test_qbxml_12_is_chosen_for_quickbooks_2013(world: World) -> None:
    world.enqueue_imports()
    ticket, _ = world.sign_in()
    assert '<?qbxml version="12.0"?>' in world.send(ticket, hcp=canned.hcp("Pro2013"))


def test_locked_list_waits_with_noop_then_sends_again(world: World) -> None:
    (rid,) = world.enqueue_imports()
    ticket, _ = world.sign_in()
    (qb_id,) = request_ids(world.send(ticket, hcp=canned.hcp()))
    locked = canned.status_rs(
        "AccountQueryRs",
        qb_id,
        3180,
        "Error",
        "There was an error when saving a Account list. QuickBooks error "
        "message: This list has been modified by another user.",
    )
    percent = world.service.receive_response_xml(ticket, locked, "", "")
    assert 0 <= percent < 100
    assert world.state(rid) == "queued"
    assert world.send(ticket) == ""
    assert world.service.get_last_error(ticket) == "NoOp"
    world.clock.advance(31)
    (qb_id2,) = request_ids(world.send(ticket))
    assert qb_id2 == f"{rid}-2"
    assert (
        world.service.receive_response_xml(ticket, canned.account_query_rs(qb_id2), "", "") == 100
    )


def test_request_processor_error_ends_the_session_with_words(world: World) -> None:
    (rid,) = world.enqueue_imports()
    ticket, _ = world.sign_in()
    assert world.send(ticket, hcp=canned.hcp())
    assert (
        world.service.receive_response_xml(ticket, "", "0x80040401", "Could not access QuickBooks.")
        < 0
    )
    said = world.service.get_last_error(ticket)
    assert "Could not access QuickBooks" in said
    assert said.endswith(HRESULTS["0x80040401"])  # and what to do, from the one table
    assert said in world.log_messages()
    assert world.state(rid) == "queued"  # read-only: simply asked again next time
    assert "stopped" in world.service.close_connection(ticket)


def test_an_unreadable_or_empty_answer_is_an_error_not_an_empty_response(world: World) -> None:
    world.enqueue_imports()
    ticket, _ = world.sign_in()
    assert world.send(ticket, hcp=canned.hcp())
    assert world.service.receive_response_xml(ticket, "", "", "") < 0
    assert "could not be read" in world.service.get_last_error(ticket)


def test_a_refused_message_set_is_split_into_single_requests(world: World) -> None:
    first, second = world.enqueue_imports(2)
    ticket, _ = world.sign_in()
    qbxml = world.send(ticket, hcp=canned.hcp())
    assert len(request_ids(qbxml)) == 2
    parse_error = "QuickBooks found an error when parsing the provided XML text stream."
    assert 0 <= world.service.receive_response_xml(ticket, "", "0x80040400", parse_error) < 100
    assert len(request_ids(world.send(ticket))) == 1
    assert world.service.receive_response_xml(ticket, "", "0x80040400", parse_error) < 100
    assert world.state(first) == "failed"
    assert world.state(second) == "queued"


def test_an_answer_to_a_request_not_handed_out_is_logged_and_ignored(world: World) -> None:
    (rid,) = world.enqueue_imports()
    ticket, _ = world.sign_in()
    assert world.send(ticket, hcp=canned.hcp())
    percent = world.service.receive_response_xml(ticket, canned.account_query_rs("999-1"), "", "")
    assert percent < 100
    assert "unmatched_response" in world.log_events()
    assert world.state(rid) == "queued"  # not answered: QuickBooks did not run it
    with world.store.transaction() as tx:
        assert tx.records.of_kind(world.company_id, "account") == []


def test_connection_error_retries_a_couple_of_times_then_done(world: World) -> None:
    with world.store.transaction() as tx:
        tx.companies.update(world.company_id, company_file=FILE)
    world.enqueue_imports()
    ticket, _ = world.sign_in()
    message = "Could not start QuickBooks."
    replies = [world.service.connection_error(ticket, "0x80040408", message) for _ in range(3)]
    assert replies == [FILE, FILE, "done"]
    error = world.service.get_last_error(ticket)
    assert "0x80040408" in error and FILE in error
    assert HRESULTS["0x80040408"] in error
    assert world.log_events().count("connection_error") == 3


def test_an_expired_or_unknown_ticket(world: World) -> None:
    world.enqueue_imports()
    ticket, _ = world.sign_in()
    world.clock.advance(world.settings.session_idle_seconds + 1)
    assert world.send(ticket, hcp=canned.hcp()) == ""
    assert "expired" in world.service.get_last_error(ticket)
    assert world.service.receive_response_xml(ticket, "<QBXML/>", "", "") == -1
    assert world.service.get_last_error("no-such-ticket") == MSG_UNKNOWN_TICKET
    assert world.service.close_connection("no-such-ticket") == MSG_UNKNOWN_TICKET
    assert world.service.connection_error("no-such-ticket", "0x1", "x") == "done"


def test_tickets_are_stored_hashed(world: World) -> None:
    world.enqueue_imports()
    ticket, _ = world.sign_in()
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", ticket)
    from sqlalchemy import create_engine, text

    engine = create_engine(
        world.settings.database_url.replace("postgresql://", "postgresql+psycopg://")
    )
    with engine.connect() as conn:
        stored = [row[0] for row in conn.execute(text("SELECT ticket_hash FROM qbwc_sessions"))]
        passwords = [row[0] for row in conn.execute(text("SELECT password_hash FROM companies"))]
    engine.dispose()
    assert ticket not in stored
    assert all(p.startswith("pbkdf2_sha256$") and PASSWORD not in p for p in passwords)


def test_interactive_mode_is_declined_politely(world: World) -> None:
    assert world.service.get_interactive_url("t", "s") == ""
    assert world.service.interactive_done("t") == "Done"
    assert "interactive" in world.service.interactive_rejected("t", "user cancelled")
