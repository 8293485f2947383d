"""How phones find the server: the join link's base follows the address really bound."""

from __future__ import annotations

import pytest

from polling.live.joining import is_loopback, join_base


def lan() -> str:
    return "192.168.1.20"


@pytest.mark.parametrize("host", ["0.0.0.0", "::", ""])
def test_a_wildcard_bind_joins_at_the_lan_address(host: str) -> None:
    """Bound to every interface, the server is joined at this machine's LAN address."""
    assert join_base(host, 8000, None, lan) == "http://192.168.1.20:8000"


@pytest.mark.parametrize(
    ("host", "base"),
    [
        ("127.0.0.1", "http://127.0.0.1:8000"),
        ("localhost", "http://localhost:8000"),
        ("10.0.0.5", "http://10.0.0.5:8000"),
        ("::1", "http://[::1]:8000"),
        ("fd00::7", "http://[fd00::7]:8000"),
    ],
)
def test_a_specific_bind_joins_at_that_address_and_never_the_lan_one(host: str, base: str) -> None:
    """Bound to one address, the join link uses it: never a LAN address it does not listen on."""
    assert join_base(host, 8000, None, lan) == base


def test_the_public_url_wins_over_the_bound_address() -> None:
    """--public-url is used as given (without a trailing slash), whatever the bind."""
    assert (
        join_base("127.0.0.1", 8000, "https://vote.example.org/room/", lan) == "https://vote.example.org/room"
    )


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.0.1.1", True), ("::1", True), ("localhost", True),
     ("0.0.0.0", False), ("192.168.1.20", False), ("polling.local", False)],
)  # fmt: skip
def test_is_loopback_tells_binds_only_this_machine_can_reach(host: str, loopback: bool) -> None:
    """Loopback addresses and `localhost` are unreachable from phones; others may be reached."""
    assert is_loopback(host) is loopback
