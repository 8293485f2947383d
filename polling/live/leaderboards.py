"""The leaderboard's wiring: the facilitator turns it on, sets teams and hides nicknames; a
phone picks a nickname and a team; each phone is told its own score and rank.

Off by default, for anonymity: while it is off no nickname is accepted or stored, and turning
it off deletes every nickname and team choice of the session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from polling.core.players import NicknameError, check_nickname, check_teams
from polling.core.session import Session
from polling.live import quizview
from polling.live.hub import Client, Coalescer
from polling.live.refusals import Refused
from polling.live.views import FACILITATOR, phone_view
from polling.store.base import PlayerRow, StoreError

if TYPE_CHECKING:
    from polling.live.service import Polling


class Leaderboards:
    """The leaderboard operations of the live service."""

    def __init__(self, polling: Polling) -> None:
        self.polling = polling
        # The facilitator's list of nicknames, sent at most about ten times a second.
        self.coalescer = Coalescer(self._push_players)

    async def configure(self, session_id: Any, enabled: Any, teams: Any = None) -> Session:
        """Turn a session's leaderboard on or off, and set its teams (None: keep them)."""
        polling = self.polling
        session = polling.session(session_id)
        if not isinstance(enabled, bool):
            raise Refused("bad_request", "enabled must be true or false")
        try:
            names = check_teams(teams) if teams is not None else session.teams
        except NicknameError as error:
            raise Refused("bad_request", str(error)) from None
        async with polling.exclusive(session):
            before = session.control_state()
            if not enabled:
                # Turned off: what the phones chose to show is forgotten, here and on disk.
                await polling.durably(polling.store.clear_players(session.id))
                session.players.clear()
            session.leaderboard = enabled
            session.teams = list(names)
            for participant, team in list(session.players.teams.items()):
                if team not in session.teams:
                    del session.players.teams[participant]
            await polling.save_control(session, before)
        polling.changed(session, ())
        self.coalescer.touch(session.id)
        return session

    async def hide(self, session_id: Any, nickname: Any, hidden: Any) -> Session:
        """Hide a nickname from the presenter's leaderboard (or show it again)."""
        polling = self.polling
        session = polling.session(session_id)
        if not isinstance(hidden, bool):
            raise Refused("bad_request", "hidden must be true or false")
        if not any(line["id"] == nickname for line in session.players.listing()):
            raise Refused("not_found", "No such nickname")
        async with polling.exclusive(session):
            before = session.control_state()
            if hidden:
                session.players.hidden.add(nickname)
            else:
                session.players.hidden.discard(nickname)
            await polling.save_control(session, before)
        polling.changed(session, phone_view(session))  # the presenters alone see nicknames
        self.coalescer.touch(session.id)
        return session

    async def choose(self, client: Client, message: dict[str, Any]) -> dict[str, Any]:
        """A phone's nickname and team; returns the `player` acknowledgement."""
        polling = self.polling
        session = polling.session(client.session_id)
        participant = client.participant
        assert participant is not None
        if not session.leaderboard:
            raise Refused("leaderboard_off", "The leaderboard is off: no nickname is kept")
        try:
            nickname = None if message.get("nickname") is None else check_nickname(message.get("nickname"))
        except NicknameError as error:
            raise Refused(error.code, str(error)) from None
        team = message.get("team")
        if team is not None and team not in session.teams:
            raise Refused("team_unknown", "Pick one of the facilitator's teams")
        try:
            await polling.store.save_player(session.id, PlayerRow(participant, nickname, team))
        except StoreError as error:
            polling.storage_failed(error)
            raise Refused("unavailable", "The nickname could not be saved: send it again") from None
        if not session.leaderboard:  # turned off while this one was being stored
            await polling.durably(polling.store.clear_players(session.id))
            raise Refused("leaderboard_off", "The leaderboard is off: no nickname is kept")
        session.players.set(participant, nickname, team)
        self.coalescer.touch(session.id)
        await polling.share(
            {"event": "player", "session": session.id, "participant": participant, "nickname": nickname,
             "team": team}
        )  # fmt: skip
        return {"type": "player", "nickname": nickname, "team": team}

    def apply(self, session: Session, event: dict[str, Any]) -> None:
        """Another process stored a phone's choice."""
        if session.leaderboard:
            session.players.set(event["participant"], event["nickname"], event["team"])
            self.coalescer.touch(session.id)

    def push_scores(self, session: Session, clients: list[Client]) -> None:
        """Tell each phone its own total and rank (a small message each)."""
        keys = [c.participant for c in clients if c.participant is not None]
        messages = quizview.score_messages(session, self.polling.scores_of(session), keys)
        for client in clients:
            if client.participant is not None:
                client.send(messages[client.participant])

    async def _push_players(self, session_id: str) -> None:
        session = self.polling.sessions.get(session_id)
        if session is None:
            return
        hub = self.polling.hub
        hub.broadcast(hub.clients(session.id, FACILITATOR), quizview.players_message(session))
