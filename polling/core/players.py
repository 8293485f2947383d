"""Leaderboard players: the nickname and team a phone chooses to show, checked. Pure.

A nickname is something a participant chooses to show while the facilitator has the
leaderboard on; nothing else about a phone is ever shown. It is known by an id of its own (not
the phone's key), so that the facilitator can hide it without anything linking it to answers.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from typing import Any

MAX_NICKNAME = 24
MAX_TEAMS = 20
MAX_TEAM_NAME = 40


class NicknameError(ValueError):
    """A nickname or team choice that is refused; `code` is the protocol's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _has_control(text: str) -> bool:
    # Cc (controls), Cf (format: bidi overrides, zero-width), Cs, Co, Cn: nothing a name needs.
    return any(unicodedata.category(char).startswith("C") for char in text)


def check_nickname(value: Any) -> str:
    """A nickname as shown: NFC, trimmed, 1 to 24 characters, no control or format character."""
    if not isinstance(value, str):
        raise NicknameError("nickname_invalid", "nickname must be a string")
    nickname = unicodedata.normalize("NFC", value).strip()
    if not nickname:
        raise NicknameError("nickname_empty", "The nickname is empty")
    if len(nickname) > MAX_NICKNAME:
        raise NicknameError("nickname_too_long", f"A nickname has at most {MAX_NICKNAME} characters")
    if _has_control(nickname):
        raise NicknameError("nickname_invalid", "A nickname may not hold control or invisible characters")
    return nickname


def check_teams(value: Any) -> list[str]:
    """The facilitator's team names: distinct, trimmed, 1 to 40 characters, at most 20 (none: no teams)."""
    if not isinstance(value, list) or len(value) > MAX_TEAMS:
        raise NicknameError("bad_request", f"teams must be a list of at most {MAX_TEAMS} names")
    teams: list[str] = []
    for raw in value:
        name = unicodedata.normalize("NFC", raw).strip() if isinstance(raw, str) else ""
        if not name or len(name) > MAX_TEAM_NAME or _has_control(name):
            raise NicknameError("bad_request", f"A team name has 1 to {MAX_TEAM_NAME} visible characters")
        if name.casefold() in {t.casefold() for t in teams}:
            raise NicknameError("bad_request", f'The team "{name}" is listed twice')
        teams.append(name)
    return teams


def nickname_id(participant: str) -> str:
    """The id under which a phone's nickname is shown and hidden: not its key, not reversible to it."""
    return hashlib.sha256(f"nickname:{participant}".encode()).hexdigest()[:12]


@dataclass
class Players:
    """The nicknames and teams phones chose, and the nicknames the facilitator hid."""

    nicknames: dict[str, str] = field(default_factory=dict)  # participant key -> nickname
    teams: dict[str, str] = field(default_factory=dict)  # participant key -> team name
    hidden: set[str] = field(default_factory=set)  # nickname ids

    def set(self, participant: str, nickname: str | None, team: str | None) -> None:
        """Keep a phone's choice (None: none of it)."""
        for mapping, value in ((self.nicknames, nickname), (self.teams, team)):
            if value is None:
                mapping.pop(participant, None)
            else:
                mapping[participant] = value

    def shown(self) -> dict[str, str]:
        """The nicknames the presenter may show: every one the facilitator has not hidden."""
        return {p: n for p, n in self.nicknames.items() if nickname_id(p) not in self.hidden}

    def listing(self) -> list[dict[str, Any]]:
        """Every nickname with its id and whether it is hidden: for the facilitator alone."""
        return sorted(
            (
                {"id": nickname_id(p), "nickname": n, "hidden": nickname_id(p) in self.hidden}
                for p, n in self.nicknames.items()
            ),
            key=lambda line: str(line["nickname"]).casefold(),
        )

    def clear(self) -> None:
        """Forget every nickname and team: the leaderboard was turned off."""
        self.nicknames.clear()
        self.teams.clear()
        self.hidden.clear()
