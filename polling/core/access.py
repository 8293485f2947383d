"""Who may do what on a shared server: pure rules over roles, no tokens kept here.

The operator (the token the server prints at start, as on a laptop) sees and drives every
session. A facilitator sees and drives only the sessions they created. An organiser lists
and exports every session and drives none. Participants are none of these: they hold no
account and nothing here records them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    OPERATOR = "operator"
    FACILITATOR = "facilitator"
    ORGANISER = "organiser"


@dataclass(frozen=True)
class Principal:
    """Whoever presented a valid token: their role and, but for the operator, their name."""

    role: Role
    name: str | None = None

    def owns(self, owner: str | None) -> bool:
        """Whether a session created by `owner` (None: by the operator) is this principal's own."""
        return self.role is Role.OPERATOR or (self.role is Role.FACILITATOR and owner == self.name)

    def may_see(self, owner: str | None) -> bool:
        """Whether this principal may list, read and export a session of `owner`."""
        return self.role is Role.ORGANISER or self.owns(owner)

    def may_drive(self, owner: str | None) -> bool:
        """Whether this principal may command, moderate, change or delete a session of `owner`."""
        return self.owns(owner)

    @property
    def may_create(self) -> bool:
        """Whether this principal may start sessions: organisers only read."""
        return self.role is not Role.ORGANISER

    @property
    def owner(self) -> str | None:
        """The owner recorded on a session this principal creates."""
        return self.name if self.role is Role.FACILITATOR else None


OPERATOR = Principal(Role.OPERATOR)


def token_hash(token: str) -> str:
    """How a facilitator's or organiser's token is kept: only its SHA-256.

    Tokens are long random strings, so a fast hash is enough: there is nothing to guess.
    """
    return hashlib.sha256(token.encode()).hexdigest()
