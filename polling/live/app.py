"""The web application: pages, the HTTP API and the WebSocket, wired to the service."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson
import plotly
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.websockets import WebSocket

from polling import data
from polling.core.access import Principal
from polling.core.bankschema import bank_schema
from polling.core.players import NicknameError, check_teams
from polling.core.segments import DEFAULT_MIN_GROUP
from polling.core.session import COMMANDS, Session
from polling.live import pictures, qna
from polling.live.assets import Assets, CompressedStaticFiles
from polling.live.hints import catalogue_link, inline_script_hashes
from polling.live.joining import qr_svg
from polling.live.refusals import Refused
from polling.live.relay import RedisRelay
from polling.live.service import JOIN_RATE, Polling
from polling.live.sockets import MAX_PENDING, RATE_PER_SECOND, Socket
from polling.live.views import FACILITATOR
from polling.media.renditions import Renditions, default_folder
from polling.reports import exports as export
from polling.reports import report
from polling.reports.debrief import SCENARIO_FILES, render_scenario
from polling.reports.learning import course_gain, render_gain
from polling.reports.qnaexport import QNA_FILES, board_of, render_qna
from polling.reports.tables import LanguageError
from polling.store import open_store

STATIC = data.STATIC
CATALOGUES = STATIC / "i18n"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

# The phone page's one inline script opens its connection while the modules load (join.html).
INLINE_SCRIPTS = " ".join(inline_script_hashes(STATIC / "join.html"))
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        f"default-src 'self'; script-src 'self' {INLINE_SCRIPTS}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def create_app(
    db: str | Path,
    banks: str | Path,
    token: str,
    join_base: str,
    retention_days: float | None = None,
    rate_limit: float = RATE_PER_SECOND,
    redis: str | None = None,
    max_pending: int = MAX_PENDING,
    join_rate: float = JOIN_RATE,
    images: str | Path | None = None,
    min_group: int = DEFAULT_MIN_GROUP,
) -> Starlette:
    """A fresh application with its own store; each test can build one of its own.

    With `redis`, the application is one of several processes that share the database and
    tell each other of every change through Redis.
    """
    # Alone on its database, unless it is one of several processes with Redis between them.
    store = open_store(db, exclusive=not redis, shared=bool(redis))
    renditions = Renditions(Path(images) if images else default_folder(db))
    relay = RedisRelay(redis) if redis else None
    polling = Polling(store, Path(banks), token, join_base, relay, join_rate, renditions, min_group)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await store.open()
        await polling.start()
        keeper = asyncio.create_task(keep_retention(polling, retention_days)) if retention_days else None
        try:
            yield
        finally:
            if keeper is not None:
                keeper.cancel()
            await polling.stop()
            await store.close()

    api = Api(polling)
    assets = Assets()
    page = functools.partial(page_route, assets)
    socket = Socket(polling, rate_limit, max_pending)
    routes = [
        # Participants type the bare address; the facilitator has a path of their own.
        Route("/", page("join.html")),
        Route("/j/", page("join.html")),
        Route("/host", page("home.html")),
        Route("/present/{session}", page("present.html")),
        Route("/screen/{session}/{screen_key}", page("present.html")),
        Route("/console/{session}", page("console.html")),
        Route("/course/{course}", page("course.html")),
        Route("/debrief", page("debrief.html")),
        Route("/debrief/{session}", page("debrief.html")),
        Route("/j/{code}", page("join.html")),
        # The participant page's service worker, registered with the scope /j/.
        Route("/sw.js", page("sw.js")),
        Route("/healthz", Health(polling).check),
        Route("/schema/bank.json", schema),
        Route("/vendor/plotly.min.js", functools.partial(plotly_js, assets)),
        Route("/qr/{code}.svg", api.qr),
        Route("/images/{hash}/{size}.webp", functools.partial(pictures.serve, renditions)),
        Route("/api/join/{code}", api.join_info),
        Route("/api/banks", api.banks),
        Route("/api/courses", api.courses, methods=["GET"]),
        Route("/api/courses", api.create_course, methods=["POST"]),
        Route("/api/courses/{course}", api.course, methods=["GET"]),
        *(Route(f"/api/courses/{{course}}/{name}", api.gain) for name in GAIN_EXPORTS),
        Route("/api/sessions", api.sessions, methods=["GET"]),
        Route("/api/sessions", api.create_session, methods=["POST"]),
        Route("/api/sessions/{session}", api.session_state, methods=["GET"]),
        Route("/api/sessions/{session}", api.purge, methods=["DELETE"]),
        Route("/api/sessions/{session}/limit", api.limit, methods=["POST"]),
        Route("/api/sessions/{session}/languages", api.languages, methods=["POST"]),
        Route("/api/sessions/{session}/moderate", api.moderate, methods=["POST"]),
        Route("/api/sessions/{session}/qna", api.qna, methods=["GET"]),
        Route("/api/sessions/{session}/qna", api.qna_settings, methods=["POST"]),
        Route("/api/sessions/{session}/qna/moderate", api.qna_moderate, methods=["POST"]),
        Route("/api/sessions/{session}/scenario", api.scenario, methods=["GET"]),
        Route("/api/sessions/{session}/segment", api.segment, methods=["POST"]),
        Route("/api/sessions/{session}/leaderboard", api.leaderboard, methods=["POST"]),
        Route("/api/sessions/{session}/nicknames", api.hide_nickname, methods=["POST"]),
        *(Route(f"/api/sessions/{{session}}/{name}", api.export) for name in EXPORTS),
        *(Route(f"/api/sessions/{{session}}/{name}", api.qna_export) for name in QNA_EXPORTS),
        *(Route(f"/api/sessions/{{session}}/{name}", api.scenario_export) for name in SCENARIO_EXPORTS),
        *(Route(f"/api/sessions/{{session}}/{name}", api.report) for name in REPORTS),
        Route("/api/sessions/{session}/{action}", api.command, methods=["POST"]),
        WebSocketRoute("/ws", socket.serve),
        # Revalidated on each load (a cheap 304), so pages never run a script older than the server.
        Mount("/static", CompressedStaticFiles(STATIC, assets, "no-cache"), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={HTTPException: http_error})
    app.state.polling = polling
    app.add_middleware(SecurityHeaders, websocket=socket.serve)
    return app


SECURITY_HEADERS_RAW = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
SECURITY_HEADERS_API = [*SECURITY_HEADERS_RAW, (b"cache-control", b"no-store")]
NO_STORE_PATHS = ("/api/", "/healthz")


class SecurityHeaders:
    """Adds the security headers to every HTTP response, and forgets the client's address.

    It also hands /ws straight to the socket endpoint: each layer of the app in between
    (exception handlers, router, route wrappers) would keep a suspended coroutine for the whole
    life of every connection, about 3 KB per phone."""

    def __init__(self, app: Any, websocket: Callable[[WebSocket], Awaitable[None]] | None = None) -> None:
        self.app = app
        self.websocket = websocket

    def __call__(self, scope: Any, receive: Any, send: Any) -> Awaitable[None]:
        # Nothing downstream may see, store or log who connected.
        scope["client"] = None
        if scope["type"] == "websocket" and scope["path"] == "/ws" and self.websocket is not None:
            return self.websocket(WebSocket(scope, receive, send))
        if scope["type"] != "http":
            return self.app(scope, receive, send)  # type: ignore[no-any-return]
        return self._http(scope, receive, send)

    async def _http(self, scope: Any, receive: Any, send: Any) -> None:
        # Answers and exports must not stay in a browser's or a proxy's cache.
        extra = SECURITY_HEADERS_API if scope["path"].startswith(NO_STORE_PATHS) else SECURITY_HEADERS_RAW

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in extra}
                headers = [h for h in message.get("headers", []) if h[0].lower() not in names]
                headers += extra
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def page_route(assets: Assets, name: str) -> Callable[[Request], Awaitable[Response]]:
    """A route that serves one HTML page from static/."""

    async def serve(request: Request) -> Response:
        response = await assets.response(request, STATIC / name, "no-cache")
        if name == "join.html":
            # The phone's catalogue starts loading with the page rather than after its scripts:
            # on a slow network that is a round trip less before the first option shows.
            response.headers["Link"] = catalogue_link(request.headers.get("accept-language", ""), CATALOGUES)
            response.headers["Vary"] = "Accept-Encoding, Accept-Language"
        return response

    return serve


RETENTION_CHECK_SECONDS = 3600


async def keep_retention(polling: Polling, days: float) -> None:
    """Purge expired sessions at start-up and then every hour."""
    while True:
        await polling.purge_expired(days)
        await asyncio.sleep(RETENTION_CHECK_SECONDS)


class Health:
    """`/healthz`: 200 while the database takes writes, 503 with the reason when it does not."""

    def __init__(self, polling: Polling) -> None:
        self.polling = polling

    async def check(self, request: Request) -> Response:
        problem = self.polling.problem
        return JSONResponse({"ok": problem is None, "storage": problem}, status_code=503 if problem else 200)


async def schema(request: Request) -> Response:
    """`/schema/bank.json`: the JSON Schema of a bank, for editors that check YAML as it is typed."""
    return JSONResponse(
        bank_schema(), media_type="application/schema+json", headers={"Cache-Control": "no-cache"}
    )


async def plotly_js(assets: Assets, request: Request) -> Response:
    # It changes only with the installed plotly package: a day without asking is safe.
    return await assets.response(request, PLOTLY_JS, "max-age=86400")


HTTP_ERRORS = {404: "not_found", 405: "method_not_allowed"}


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (no such path, wrong method): JSON under /api, as documented."""
    assert isinstance(exc, HTTPException)
    if not request.url.path.startswith("/api"):
        return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)
    code = HTTP_ERRORS.get(exc.status_code, "bad_request")
    return JSONResponse(
        {"error": code, "message": exc.detail}, status_code=exc.status_code, headers=exc.headers
    )


def error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": code, "message": message, **extra}, status_code=status)


REFUSED_STATUS = {"not_found": 404, "invalid_transition": 409, "unauthorized": 401, "forbidden": 403}


def refused(problem: Refused) -> JSONResponse:
    status = REFUSED_STATUS.get(problem.code, 400)
    return error(status, problem.code, problem.message, **problem.extra)


ApiHandler = Callable[["Api", Request], Awaitable[Response]]


def facilitator_only(handler: ApiHandler) -> ApiHandler:
    """An endpoint that needs the bearer token; a refusal becomes its JSON error."""

    @functools.wraps(handler)
    async def endpoint(api: Api, request: Request) -> Response:
        principal = await api.principal(request)
        if principal is None:
            return unauthorized()
        request.state.principal = principal
        try:
            return await handler(api, request)
        except Refused as problem:
            return refused(problem)

    return endpoint


class Api:
    """The HTTP endpoints; the facilitator's need the bearer token."""

    def __init__(self, polling: Polling) -> None:
        self.polling = polling

    async def principal(self, request: Request) -> Principal | None:
        """Who the bearer token names, or None."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return await self.polling.principal(token.strip()) if scheme.lower() == "bearer" else None

    async def _session(self, request: Request, drive: bool = False) -> Session:
        """The session the path names, if the caller may see it (and drive it)."""
        await self.polling.located(self.polling.session, request.path_params["session"])
        return self.polling.visible(request.path_params["session"], request.state.principal, drive)

    async def _body(self, request: Request) -> dict[str, Any]:
        raw = await request.body()
        if not raw:
            return {}
        try:
            # orjson refuses lone surrogates (which could not be written back as UTF-8) and
            # nesting deeper than 1,024 levels, where the json module would hit the recursion limit.
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise Refused("bad_request", "The body is not JSON in UTF-8") from None
        if not isinstance(body, dict):
            raise Refused("bad_request", "The body must be a JSON object")
        return body

    async def qr(self, request: Request) -> Response:
        session = await self._by_code(request)
        if session is None:
            return error(404, "not_found", "No session with this code")
        svg = qr_svg(self.polling.info(session)["join_url"])
        return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "max-age=3600"})

    async def _by_code(self, request: Request) -> Any:
        try:
            return await self.polling.located(self.polling.by_code, request.path_params["code"])
        except Refused:
            return None

    async def join_info(self, request: Request) -> Response:
        session = await self._by_code(request)
        if session is None:
            return error(404, "not_found", "No session with this code")
        info = self.polling.info(session)
        keys = ("title", "languages", "status")
        return JSONResponse({"session": session.id, **{k: info[k] for k in keys}})

    @facilitator_only
    async def banks(self, request: Request) -> Response:
        return JSONResponse({"banks": [b.to_dict() for b in self.polling.banks()]})

    @facilitator_only
    async def sessions(self, request: Request) -> Response:
        principal: Principal = request.state.principal
        newest_first = [s for s in reversed(self.polling.sessions.values()) if principal.may_see(s.owner)]
        return JSONResponse({"sessions": [self.polling.info(s) for s in newest_first]})

    @facilitator_only
    async def create_session(self, request: Request) -> Response:
        body = await self._body(request)
        leaderboard, teams = flag(body, "leaderboard"), body.get("teams")
        try:
            check_teams(teams if teams is not None else [])
        except NicknameError as problem:
            raise Refused("bad_request", str(problem)) from None
        session = await self.polling.create_session(
            body.get("bank"),
            flag(body, "hide_results"),
            participant_limit(body),
            request.state.principal,
            phone_results=flag(body, "phone_results"),
            self_paced=flag(body, "self_paced"),
            live_results=flag(body, "live_results"),
            course=body.get("course"),
            course_role=body.get("role"),
            qna={"open": True, "premoderate": flag(body, "premoderate")} if flag(body, "qna") else None,
            min_group=body.get("min_group"),
        )
        if leaderboard or teams:
            await self.polling.quiz.configure(session.id, leaderboard, teams)
        return JSONResponse(self.polling.info(session), status_code=201)

    @facilitator_only
    async def courses(self, request: Request) -> Response:
        principal: Principal = request.state.principal
        rows = [r for r in reversed(self.polling.courses.rows.values()) if principal.may_see(r.owner)]
        return JSONResponse({"courses": [self.polling.courses.info(r) for r in rows]})

    @facilitator_only
    async def create_course(self, request: Request) -> Response:
        body = await self._body(request)
        row = await self.polling.create_course(body.get("name"), request.state.principal)
        return JSONResponse(self.polling.courses.info(row), status_code=201)

    @facilitator_only
    async def course(self, request: Request) -> Response:
        row = await self.polling.courses.visible(request.path_params["course"], request.state.principal)
        return JSONResponse(self.polling.courses.info(row))

    @facilitator_only
    async def gain(self, request: Request) -> Response:
        row = await self.polling.courses.visible(request.path_params["course"], request.state.principal)
        result = course_gain(self.polling.courses.info(row), self.polling.courses.sessions_of(row.id))
        return download(render_gain(GAIN_EXPORTS[request.url.path.rpartition("/")[2]], result))

    @facilitator_only
    async def leaderboard(self, request: Request) -> Response:
        body = await self._body(request)
        session_id = (await self._session(request, drive=True)).id
        session = await self.polling.quiz.configure(session_id, body.get("enabled"), body.get("teams"))
        return JSONResponse(self.polling.presenter_state(session, FACILITATOR))

    @facilitator_only
    async def hide_nickname(self, request: Request) -> Response:
        body = await self._body(request)
        session_id = (await self._session(request, drive=True)).id
        session = await self.polling.quiz.hide(session_id, body.get("id"), body.get("hidden", True))
        return JSONResponse(self.polling.presenter_state(session, FACILITATOR))

    @facilitator_only
    async def limit(self, request: Request) -> Response:
        body = await self._body(request)
        session = await self.polling.set_limit(
            (await self._session(request, drive=True)).id, participant_limit(body)
        )
        return JSONResponse(self.polling.info(session))

    @facilitator_only
    async def segment(self, request: Request) -> Response:
        body = await self._body(request)
        session = await self.polling.show_segment(
            (await self._session(request, drive=True)).id, body.get("segment")
        )
        return JSONResponse(self.polling.presenter_state(session, FACILITATOR))

    @facilitator_only
    async def languages(self, request: Request) -> Response:
        body = await self._body(request)
        session = await self.polling.show_languages(
            (await self._session(request, drive=True)).id, body.get("languages")
        )
        return JSONResponse(self.polling.presenter_state(session, FACILITATOR))

    @facilitator_only
    async def purge(self, request: Request) -> Response:
        await self.polling.purge((await self._session(request, drive=True)).id)
        return JSONResponse({"ok": True})

    @facilitator_only
    async def session_state(self, request: Request) -> Response:
        session = await self._session(request)
        return JSONResponse(self.polling.presenter_state(session, FACILITATOR))

    @facilitator_only
    async def command(self, request: Request) -> Response:
        action = request.path_params["action"]
        if action not in COMMANDS:
            raise Refused("not_found", f'No command "{action}"')
        body = await self._body(request)
        session_id = (await self._session(request, drive=True)).id
        session = await self.polling.command(session_id, action, body.get("question"), body.get("time_limit"))
        return JSONResponse(self.polling.presenter_state(session, FACILITATOR))

    @facilitator_only
    async def moderate(self, request: Request) -> Response:
        body = await self._body(request)
        await self.polling.moderate(
            (await self._session(request, drive=True)).id,
            body.get("question"),
            body.get("answer"),
            body.get("status"),
        )
        return JSONResponse({"ok": True})

    @facilitator_only
    async def qna(self, request: Request) -> Response:
        session = await self._session(request)
        return JSONResponse(self.polling.qna.view(session, FACILITATOR))

    @facilitator_only
    async def qna_settings(self, request: Request) -> Response:
        body = await self._body(request)
        session = await self._session(request, drive=True)
        await self.polling.qna.configure(session.id, qna.changes(body))
        return JSONResponse(self.polling.qna.view(session, FACILITATOR))

    @facilitator_only
    async def qna_moderate(self, request: Request) -> Response:
        body = await self._body(request)
        session = await self._session(request, drive=True)
        await self.polling.qna.moderate(session.id, body.get("id"), body.get("status"))
        return JSONResponse(self.polling.qna.view(session, FACILITATOR))

    @facilitator_only
    async def qna_export(self, request: Request) -> Response:
        session = await self._session(request)
        kind = QNA_EXPORTS[request.url.path.rpartition("/")[2]]
        rows = await self.polling.store.qna(session.id)
        document = render_qna(kind, session, self.polling.info(session), rows)
        return download(document)

    @facilitator_only
    async def scenario(self, request: Request) -> Response:
        session = await self._session(request)
        debriefed = self.polling.scenarios.debrief(session, self.polling.info(session))
        if debriefed is None:
            raise Refused("not_found", "This session's bank has no scenario")
        return JSONResponse(debriefed)

    @facilitator_only
    async def scenario_export(self, request: Request) -> Response:
        session = await self._session(request)
        if session.bank.scenario is None:
            raise Refused("not_found", "This session's bank has no scenario")
        kind = SCENARIO_EXPORTS[request.url.path.rpartition("/")[2]]
        rows = await self.polling.store.scenario(session.id)
        return download(render_scenario(kind, session, self.polling.info(session), rows))

    @facilitator_only
    async def export(self, request: Request) -> Response:
        session = await self._session(request)
        answers = await self.polling.store.answers(session.id)
        kind = EXPORTS[request.url.path.rpartition("/")[2]]
        document = export.render(kind, session, self.polling.info(session), answers)
        return download(document)

    @facilitator_only
    async def report(self, request: Request) -> Response:
        """A report (workbook) of the session, and of the sessions named in `with` beside it,
        in the language `lang`; each session must be one the caller may see."""
        first = await self._session(request)
        sessions = [first]
        for other in filter(None, request.query_params.get("with", "").split(",")):
            await self.polling.located(self.polling.session, other)
            sessions.append(self.polling.visible(other, request.state.principal, False))
        answers = [await self.polling.store.answers(s.id) for s in sessions]
        boards = [board_of(await self.polling.store.qna(s.id)) for s in sessions]
        kind = REPORTS[request.url.path.rpartition("/")[2]]
        try:
            document = report.build(kind, sessions, answers, request.query_params.get("lang"), boards)
        except LanguageError as problem:
            raise Refused("bad_request", str(problem)) from None
        return download(document)


MAX_LIMIT = 1_000_000

# The export and report endpoints by the last part of their path.
EXPORTS = {name: kind for kind, name in export.FILES.items()}
# A course's learning gain exports by the last part of their path.
GAIN_EXPORTS = {"gain.json": "json", "gain.csv": "csv"}
REPORTS = {export.REPORT_FILES[kind]: kind for kind in report.KINDS}
QNA_EXPORTS = {name: kind for kind, name in QNA_FILES.items()}
SCENARIO_EXPORTS = {name: kind for kind, name in SCENARIO_FILES.items()}


def flag(body: dict[str, Any], name: str) -> bool:
    """A true-or-false option of a request body, false when left out."""
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise Refused("bad_request", f"{name} must be true or false")
    return value


def participant_limit(body: dict[str, Any]) -> int | None:
    """The `max_participants` of a request body: a positive integer, or null for no limit."""
    limit = body.get("max_participants")
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT
    ):
        raise Refused("bad_request", f"max_participants must be from 1 to {MAX_LIMIT} or null")
    return limit


def download(document: export.Document | report.Report) -> Response:
    """An export or report as a file to save under its own name."""
    disposition = f'attachment; filename="{document.filename}"'
    return Response(
        document.body, media_type=document.media_type, headers={"Content-Disposition": disposition}
    )


def unauthorized() -> JSONResponse:
    return error(401, "unauthorized", "The facilitator token is missing or wrong")
