"""authenticate is told the client's address: the peer, or X-Forwarded-For from a trusted proxy."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from qbwc_server.soap import client_address, make_soap_app, trusted_networks
from tests.unit.soap.conftest import MAX_BODY, PUBLIC_URL, RecordingHandler, fixture, post


def _address_seen(handler: RecordingHandler, proxies: str, peer: str, forwarded: str | None) -> str:
    app = make_soap_app(
        handler, public_url=PUBLIC_URL, max_body_bytes=MAX_BODY, trusted_proxies=proxies
    )
    client = Client(app)
    headers = {} if forwarded is None else {"X-Forwarded-For": forwarded}
    response = client.post(
        "/",
        data=fixture("authenticate"),
        headers={"Content-Type": "text/xml; charset=utf-8", **headers},
        environ_overrides={"REMOTE_ADDR": peer},
    )
    assert response.status_code == 200, response.data
    assert handler.calls == [("authenticate", ("ridgeline-sync", "s3cret&Pa<ss"))]
    return handler.client_addresses[-1]


@pytest.mark.parametrize(
    ("proxies", "peer", "forwarded", "seen"),
    [
        ("", "203.0.113.7", None, "203.0.113.7"),
        # Without QBWC_TRUSTED_PROXIES anyone could write the header: it is ignored.
        ("", "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        ("10.0.0.5", "203.0.113.7", "198.51.100.1", "203.0.113.7"),  # peer is not the proxy
        ("10.0.0.5", "10.0.0.5", "198.51.100.1", "198.51.100.1"),
        ("10.0.0.0/8", "10.0.0.5", "198.51.100.1, 10.0.0.9", "198.51.100.1"),  # two proxies
        # The client wrote a fake entry; its proxy appended the real address, read from the right.
        ("10.0.0.5", "10.0.0.5", "192.0.2.66, 198.51.100.1", "198.51.100.1"),
        ("10.0.0.5", "10.0.0.5", "not-an-address", "10.0.0.5"),
        ("10.0.0.5", "10.0.0.5", "", "10.0.0.5"),
        ("::1, 10.0.0.5", "::1", "2001:db8::7", "2001:db8::7"),
    ],
)
def test_the_client_address_reaches_authenticate(
    handler: RecordingHandler, proxies: str, peer: str, forwarded: str | None, seen: str
) -> None:
    assert _address_seen(handler, proxies, peer, forwarded) == seen


def test_no_peer_address_is_passed_as_empty(client: Client, handler: RecordingHandler) -> None:
    post(client, "authenticate", fixture("authenticate"))  # werkzeug's client sets no REMOTE_ADDR
    assert handler.client_addresses == [""]


def test_a_peer_that_is_not_an_ip_address_is_passed_as_it_is_but_bounded() -> None:
    assert client_address({"REMOTE_ADDR": "unix:" + "x" * 100}, ()) == ("unix:" + "x" * 100)[:64]
    assert client_address({}, ()) == ""


def test_a_bad_trusted_proxies_setting_is_an_error() -> None:
    assert trusted_networks(" 10.0.0.1,192.168.0.0/16 ") != ()
    with pytest.raises(ValueError, match="QBWC_TRUSTED_PROXIES"):
        trusted_networks("10.0.0.1, proxy.example.com")
