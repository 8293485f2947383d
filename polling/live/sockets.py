"""The WebSocket endpoint: who may connect, hello first, then one handler per message type."""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import orjson
from starlette.websockets import WebSocket

from polling.core.session import COMMANDS, Session
from polling.live import qna, views
from polling.live.courses import valid_token
from polling.live.hub import Client
from polling.live.limits import RateLimit
from polling.live.refusals import Refused
from polling.live.service import Polling
from polling.live.stored import participant_key
from polling.live.views import FACILITATOR, PARTICIPANT, SCREEN

MAX_MESSAGE = 4096
# The facilitator's exercise commands besides `scenario_start`, each on one track or the run.
SCENARIO_COMMANDS = (
    "scenario_close",
    "scenario_choose",
    "scenario_next",
    "scenario_hold",
    "scenario_release",
    "scenario_stop",
)
# A page says hello as soon as its socket opens; a connection that has not within this many
# seconds is closed. At most MAX_PENDING connections may wait for their hello at once: more
# are refused at the handshake (the page tries again), so silent sockets cannot use up the
# server's file handles.
HELLO_TIMEOUT = 5.0
MAX_PENDING = 1000
POLICY_VIOLATION = 1008
TRY_AGAIN_LATER = 1013

# A phone sends a message every few seconds at most; a burst allows a quick change of mind.
RATE_PER_SECOND = 10.0
RATE_BURST = 30.0


def same_origin(origin: str, server: Any, public_base: str) -> bool:
    """Whether a browser's Origin is this server: its published URL, or the address and port
    the connection reached (`server` of the ASGI scope), never the `Host` a client claims.

    Trusting Host let a page on a name rebound to this machine (DNS rebinding) pass: its
    Origin and Host agree. localhost is allowed beside a loopback address."""
    try:
        netloc = urlsplit(origin).netloc.lower()
    except ValueError:
        return False  # not even a URL
    allowed = {urlsplit(public_base).netloc.lower()}
    if isinstance(server, list | tuple) and len(server) == 2:
        host, port = str(server[0]).lower(), server[1]
        names = {host, "localhost"} if _loopback(host) else {host}
        for name in names:
            name = f"[{name}]" if ":" in name else name
            allowed |= {f"{name}:{port}", name} if port in (80, 443) else {f"{name}:{port}"}
    return bool(netloc) and netloc in allowed


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class Socket:
    """The WebSocket endpoint at /ws; every problem is answered on its own connection."""

    def __init__(
        self, polling: Polling, rate_limit: float = RATE_PER_SECOND, max_pending: int = MAX_PENDING
    ) -> None:
        self.polling = polling
        self.rate_limit = rate_limit
        self.max_pending = max_pending
        self.pending = 0  # connections accepted that have not said hello yet
        self.handlers: dict[str, Callable[[Client, dict[str, Any]], Awaitable[None]]] = {
            "hello": self.hello,
            "answer": self.answer,
            "submit": self.submit,
            "moderate": self.moderate,
            "languages": self.languages,
            "ask": self.ask,
            "vote": self.vote,
            "qna_settings": self.qna_settings,
            "qna_moderate": self.qna_moderate,
            "segment": self.segment,
            "ping": self.ping,
            "nickname": self.nickname,
            "leaderboard": self.leaderboard,
            "hide_nickname": self.hide_nickname,
            "scenario_start": self.scenario_start,
            **{kind: self.scenario_command for kind in SCENARIO_COMMANDS},
            "scenario_team": self.scenario_team,
            "scenario_vote": self.scenario_vote,
            "scenario_continue": self.scenario_continue,
            **{action: self.command for action in COMMANDS},
        }

    async def serve(self, websocket: WebSocket) -> None:
        origin = websocket.headers.get("origin")
        # Browsers always send Origin: a page of another site must not drive a phone's
        # or the facilitator's connection. Non-browser clients send none.
        server = websocket.scope.get("server")
        if origin is not None and not same_origin(origin, server, self.polling.join_base):
            await websocket.close(POLICY_VIOLATION)
            return
        if self.pending >= self.max_pending:
            await websocket.close(TRY_AGAIN_LATER)  # refused at the handshake: HTTP 403
            return
        await websocket.accept()
        client = Client(websocket, on_cut_off=self.polling.disconnected)
        limit = RateLimit(self.rate_limit, max(RATE_BURST, self.rate_limit))
        self.pending += 1
        waiting = True
        deadline = time.monotonic() + HELLO_TIMEOUT
        try:
            while True:
                if waiting and client.role is not None:
                    waiting = False
                    self.pending -= 1
                if waiting:
                    try:
                        message = await asyncio.wait_for(websocket.receive(), deadline - time.monotonic())
                    except TimeoutError:
                        await websocket.close(POLICY_VIOLATION, "No hello in time")
                        break
                else:
                    message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                if not limit.allow():
                    # Replies are awaited, not queued: a client that sends a burst while it
                    # reads is slowed down by its own replies, never cut off by them.
                    await client.reply(Refused("rate_limited", "Too many messages: slow down").to_message())
                elif text is None:
                    await client.reply(Refused("bad_json", "Send JSON as text frames").to_message())
                else:
                    await self.handle(client, text)
        except RuntimeError:
            pass  # the peer went away mid-send
        finally:
            if waiting:
                self.pending -= 1
            self.polling.disconnected(client)
            await client.stop()

    async def handle(self, client: Client, text: str) -> None:
        """Handle one message."""
        try:
            if len(text.encode()) > MAX_MESSAGE:
                raise Refused("too_large", f"Messages are limited to {MAX_MESSAGE} bytes")
            try:
                message = orjson.loads(text)
            except orjson.JSONDecodeError:
                raise Refused("bad_json", "The message is not JSON") from None
            if not isinstance(message, dict):
                raise Refused("bad_json", "The message must be a JSON object")
            kind = message.get("type")
            handler = self.handlers.get(kind) if isinstance(kind, str) else None
            if handler is None:
                raise Refused("unknown_type", f"Unknown message type {str(kind)[:40]!r}")
            if client.role is None and kind != "hello":
                raise Refused("hello_required", "Send hello first")
            await handler(client, message)
        except Refused as problem:
            await client.reply(problem.to_message())

    async def hello(self, client: Client, message: dict[str, Any]) -> None:
        if client.role is not None:
            raise Refused("invalid_transition", "hello was already accepted")
        role = message.get("role")
        if role == PARTICIPANT:
            session = await self.polling.located(self.polling.by_code, message.get("code"))
            token = message.get("participant")
            if not valid_token(token):
                token = secrets.token_urlsafe(16)
            key = participant_key(session.id, token)
            try:
                await self.polling.admit(session, key)
            except Refused as problem:
                if problem.code != "rate_limited":
                    raise
                await client.reply(problem.to_message())
                client.finish()  # the page connects again a moment later and is let in
                return
            client.participant = key
            await self.polling.courses.link(session, key, message.get("course_token"))
            lang = message.get("lang")
            client.lang = lang if lang in session.bank.languages else None
            welcome = {
                "participant": token,
                "session": {
                    "id": session.id,
                    "title": session.bank.title,
                    "languages": list(session.bank.languages),
                    "status": str(session.status),
                    "self_paced": session.self_paced,
                    "course": session.course,
                },
                **views.participant_question(session, client.participant),
                **views.questionnaire(session, client.participant),
                "qna": self.polling.qna.for_phone(session, key),
                "scenario": self.polling.scenarios.for_phone(session, key),
                **views.join_view(session, client.participant),
            }
        elif role == FACILITATOR:
            # The token first: without it, nobody learns whether a session id exists.
            principal = await self.polling.principal(message.get("token"))
            if principal is None:
                raise Refused("unauthorized", "The facilitator token is wrong")
            await self.polling.located(self.polling.session, message.get("session"))
            session = self.polling.visible(message.get("session"), principal, drive=True)
            welcome = {
                "role": role,
                **self.polling.presenter_state(session, role, message.get("texts_version")),
            }
        elif role == SCREEN:
            session = self.screen_session(message.get("session"), message.get("key"))
            welcome = {
                "role": role,
                **self.polling.presenter_state(session, role, message.get("texts_version")),
            }
        else:
            raise Refused("bad_request", "role must be participant, facilitator or screen")
        if role != PARTICIPANT:
            welcome["scenario"] = self.polling.scenarios.view(session, role)
        welcome["type"] = "welcome"
        if role != PARTICIPANT:
            self.polling.pushes.texts_delivered(session)
        client.role, client.session_id = role, session.id
        client.send(welcome)
        if role == PARTICIPANT and session.scored:
            self.polling.quiz.push_scores(session, [client])
        self.polling.connected(client)

    def screen_session(self, session_id: Any, key: Any) -> Session:
        """The session a screen link names; the same refusal for a wrong key and a made-up id,
        so that nobody learns which session ids exist."""
        session = self.polling.sessions.get(session_id) if isinstance(session_id, str) else None
        # Compared even without a session, so that the answer takes as long either way.
        expected = session.screen_key if session is not None else secrets.token_urlsafe(12)
        if (
            not isinstance(key, str)
            or not hmac.compare_digest(key.encode(), expected.encode())
            or not session
        ):
            raise Refused("unauthorized", "The screen link is wrong")
        return session

    async def answer(self, client: Client, message: dict[str, Any]) -> None:
        if client.role != PARTICIPANT:
            raise Refused("unauthorized", "Only participants answer")
        await client.reply(await self.polling.answering.answer(client, message))

    async def submit(self, client: Client, message: dict[str, Any]) -> None:
        if client.role != PARTICIPANT:
            raise Refused("unauthorized", "Only participants submit")
        await client.reply(await self.polling.answering.submit(client))

    async def command(self, client: Client, message: dict[str, Any]) -> None:
        if client.role != FACILITATOR:
            raise Refused("unauthorized", "Only the facilitator controls the session")
        await self.polling.command(
            client.session_id, message["type"], message.get("question"), message.get("time_limit")
        )

    async def moderate(self, client: Client, message: dict[str, Any]) -> None:
        if client.role != FACILITATOR:
            raise Refused("unauthorized", "Only the facilitator moderates answers")
        await self.polling.moderate(
            client.session_id, message.get("question"), message.get("answer"), message.get("status")
        )

    async def segment(self, client: Client, message: dict[str, Any]) -> None:
        if client.role != FACILITATOR:
            raise Refused("unauthorized", "Only the facilitator chooses the presenter's breakdown")
        await self.polling.show_segment(client.session_id, message.get("segment"))

    async def languages(self, client: Client, message: dict[str, Any]) -> None:
        if client.role != FACILITATOR:
            raise Refused("unauthorized", "Only the facilitator chooses the screen's languages")
        await self.polling.show_languages(client.session_id, message.get("languages"))

    async def ask(self, client: Client, message: dict[str, Any]) -> None:
        if client.role != PARTICIPANT:
            raise Refused("unauthorized", "Only participants ask questions")
        await client.reply(await self.polling.qna.ask(client, message))

    async def vote(self, client: Client, message: dict[str, Any]) -> None:
        if client.role != PARTICIPANT:
            raise Refused("unauthorized", "Only participants vote for questions")
        await client.reply(await self.polling.qna.vote(client, message))

    async def qna_settings(self, client: Client, message: dict[str, Any]) -> None:
        if client.role != FACILITATOR:
            raise Refused("unauthorized", "Only the facilitator runs Q&A")
        await self.polling.qna.configure(client.session_id, qna.changes(message))

    async def qna_moderate(self, client: Client, message: dict[str, Any]) -> None:
        if client.role != FACILITATOR:
            raise Refused("unauthorized", "Only the facilitator moderates questions")
        await self.polling.qna.moderate(client.session_id, message.get("id"), message.get("status"))

    async def nickname(self, client: Client, message: dict[str, Any]) -> None:
        if client.role != PARTICIPANT:
            raise Refused("unauthorized", "Only participants pick a nickname")
        await client.reply(await self.polling.quiz.choose(client, message))

    async def leaderboard(self, client: Client, message: dict[str, Any]) -> None:
        if client.role != FACILITATOR:
            raise Refused("unauthorized", "Only the facilitator turns the leaderboard on or off")
        await self.polling.quiz.configure(client.session_id, message.get("enabled"), message.get("teams"))

    async def hide_nickname(self, client: Client, message: dict[str, Any]) -> None:
        if client.role != FACILITATOR:
            raise Refused("unauthorized", "Only the facilitator hides nicknames")
        await self.polling.quiz.hide(client.session_id, message.get("id"), message.get("hidden", True))

    async def scenario_start(self, client: Client, message: dict[str, Any]) -> None:
        if client.role != FACILITATOR:
            raise Refused("unauthorized", "Only the facilitator starts an exercise")
        await self.polling.scenarios.start(client.session_id, message)

    async def scenario_command(self, client: Client, message: dict[str, Any]) -> None:
        if client.role != FACILITATOR:
            raise Refused("unauthorized", "Only the facilitator runs the exercise")
        await self.polling.scenarios.command(client.session_id, message["type"], message)

    async def scenario_team(self, client: Client, message: dict[str, Any]) -> None:
        if client.role != PARTICIPANT:
            raise Refused("unauthorized", "Only participants join a team")
        await self.polling.scenarios.join(client, message)

    async def scenario_vote(self, client: Client, message: dict[str, Any]) -> None:
        if client.role != PARTICIPANT:
            raise Refused("unauthorized", "Only participants vote in the exercise")
        await self.polling.scenarios.vote(client, message)

    async def scenario_continue(self, client: Client, message: dict[str, Any]) -> None:
        if client.role != PARTICIPANT:
            raise Refused("unauthorized", "Only participants move their team on")
        await self.polling.scenarios.proceed(client, message)

    async def ping(self, client: Client, message: dict[str, Any]) -> None:
        await client.reply({"type": "pong"})
