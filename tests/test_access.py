"""Who may see and drive which session on a shared server: the pure rules."""

from __future__ import annotations

from polling.core.access import OPERATOR, Principal, Role, token_hash

ALICE = Principal(Role.FACILITATOR, "alice")
OLGA = Principal(Role.ORGANISER, "olga")


def test_a_facilitator_sees_and_drives_only_their_own_sessions() -> None:
    """Alice drives what she created, not Bob's, nor the operator's."""
    assert ALICE.may_see("alice") and ALICE.may_drive("alice")
    assert not ALICE.may_see("bob") and not ALICE.may_drive("bob")
    assert not ALICE.may_see(None) and not ALICE.may_drive(None)
    assert ALICE.may_create and ALICE.owner == "alice"


def test_an_organiser_sees_every_session_and_drives_none() -> None:
    """An organiser reads and exports everything, and can neither drive nor create."""
    for owner in ("alice", "bob", None):
        assert OLGA.may_see(owner) and not OLGA.may_drive(owner)
    assert not OLGA.may_create


def test_the_operator_sees_and_drives_everything() -> None:
    """The token printed at start keeps its laptop meaning: every session, every command."""
    for owner in ("alice", None):
        assert OPERATOR.may_see(owner) and OPERATOR.may_drive(owner)
    assert OPERATOR.may_create and OPERATOR.owner is None


def test_a_token_is_kept_only_as_a_hash() -> None:
    """The hash is stable, hides the token and differs between tokens."""
    assert token_hash("secret-token") == token_hash("secret-token")
    assert "secret-token" not in token_hash("secret-token")
    assert token_hash("a") != token_hash("b")
