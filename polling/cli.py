"""The `polling` command: parses options and calls the library."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from polling import __version__, data
from polling.core.segments import DEFAULT_MIN_GROUP, check_min_group

DEFAULT_DB = "data/polling.sqlite3"


def _env(name: str, default: Any) -> Any:
    return os.environ.get(f"POLLING_{name}", default)


def build_parser() -> argparse.ArgumentParser:
    """The command line, with every option's environment variable and default in its help."""
    parser = argparse.ArgumentParser(
        prog="polling",
        description="Live, anonymous polling for training workshops, served from this machine.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"polling {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="serve workshops on the local network",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    serve.add_argument(
        "--host", default=_env("HOST", "0.0.0.0"), help="address to listen on (env POLLING_HOST)"
    )
    serve.add_argument("--port", type=int, default=int(_env("PORT", 8000)), help="port (env POLLING_PORT)")
    _db_option(serve)
    _banks_option(serve)
    serve.add_argument(
        "--token",
        default=_env("TOKEN", None),
        help="facilitator token (env POLLING_TOKEN); a random one is made and printed when not given",
    )
    serve.add_argument(
        "--public-url",
        default=_env("PUBLIC_URL", None),
        help="base URL that phones use to reach this server (env POLLING_PUBLIC_URL); "
        "by default http://HOST:PORT with the address --host binds, the LAN address for 0.0.0.0",
    )

    serve.add_argument(
        "--retention-days",
        type=float,
        default=_env("RETENTION_DAYS", None),
        help="purge sessions created more than this many days ago, checked hourly "
        "(env POLLING_RETENTION_DAYS); by default sessions are kept",
    )
    serve.add_argument(
        "--rate-limit",
        type=float,
        default=float(_env("RATE_LIMIT", 10)),
        help="messages a second that one connection may send, after a burst (env POLLING_RATE_LIMIT)",
    )

    serve.add_argument(
        "--redis",
        default=_env("REDIS", None),
        help="redis:// URL through which several server processes tell each other of every change "
        "(env POLLING_REDIS); needs a postgresql:// --db",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=int(_env("WORKERS", 1)),
        help="server processes sharing the port (env POLLING_WORKERS); more than one needs "
        "a postgresql:// --db and --redis",
    )
    serve.add_argument(
        "--join-rate",
        type=float,
        default=float(_env("JOIN_RATE", 30)),
        help="new phones a session lets in a second, after 300 at once; more get rate_limited and "
        "try again (env POLLING_JOIN_RATE)",
    )
    serve.add_argument(
        "--min-group",
        type=_min_group,
        default=_min_group(_env("MIN_GROUP", DEFAULT_MIN_GROUP)),
        help="the smallest group a breakdown by segment shows (k, 2 to 1000): smaller groups are "
        "merged into other or left out; a session may set its own (env POLLING_MIN_GROUP)",
    )
    serve.add_argument(
        "--max-pending",
        type=int,
        default=int(_env("MAX_PENDING", 1000)),
        help="connections that may wait at once for their hello (each has 5 seconds); more are "
        "refused until some say it or time out (env POLLING_MAX_PENDING)",
    )
    serve.add_argument(
        "--images",
        default=_env("IMAGES", None),
        help="folder of the bank pictures re-encoded for sessions, kept by content hash (env "
        "POLLING_IMAGES); by default beside a SQLite --db, or ./polling-images with PostgreSQL, "
        "where every process must be given the same folder",
    )
    serve.add_argument(
        "--ping-interval",
        type=float,
        default=float(_env("PING_INTERVAL", 20)),
        help="seconds between pings to each connection; one that answers none within as long "
        "again (a phone that vanished) is closed (env POLLING_PING_INTERVAL)",
    )

    check = commands.add_parser(
        "check",
        help="validate question banks; exit 1 on any error",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    check.add_argument("paths", nargs="+", metavar="FILE_OR_DIR", help="bank files or folders of them")
    check.add_argument(
        "--strict", action="store_true", help="treat warnings (missing translations) as errors"
    )
    check.add_argument(
        "--graph",
        action="store_true",
        help="also print the scenario of each bank that has one as a Mermaid flowchart, on standard "
        "output (the problems then go to standard error)",
    )
    check.add_argument(
        "--lang",
        metavar="LANG",
        help="the language of the --graph texts (default: each bank's default language)",
    )

    imports = _command(
        commands,
        "import",
        "convert questions from Moodle XML, GIFT or Aiken into a bank, keeping the correct answers; "
        "print what could not be converted, at its line in FILE",
    )
    imports.add_argument("file", metavar="FILE", help="the questions to convert")
    imports.add_argument(
        "--format",
        choices=["gift", "aiken", "moodle-xml"],
        default=None,
        help="the format of FILE; by default guessed from its extension (.gift, .xml) and content",
    )
    imports.add_argument(
        "--lang",
        default="en",
        help="the language of the questions; with Moodle's multilang texts, the default language "
        "of the bank when they have it",
    )
    imports.add_argument(
        "--out", required=True, metavar="BANK.yaml", help="the bank to write; its name is the bank id"
    )

    sessions = commands.add_parser(
        "sessions",
        help="list the stored sessions",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    _db_option(sessions)

    export = commands.add_parser(
        "export",
        help="write sessions' results as CSV or JSON files, or as one Excel workbook",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    _sessions_argument(
        export,
        "with --gain, course ids; with --format xlsx, several sessions go side by side in one workbook",
    )
    export.add_argument(
        "--format",
        choices=["csv", "json", "xlsx"],
        default="csv",
        help="csv: answers, summary and breakdowns tables; json: the whole session; xlsx: a workbook "
        "with a summary, a sheet and chart per question and the answers",
    )
    export.add_argument(
        "--qna",
        action="store_true",
        help="also write each session's audience Q&A with votes and status: qna.csv (csv) or qna.json (json)",
    )
    export.add_argument(
        "--scenario",
        action="store_true",
        help="also write the debrief of each session's table-top exercise (sessions whose bank has a "
        "scenario): scenario.csv (csv) or scenario.json (json)",
    )
    export.add_argument("--out", default=".", help="folder to write the files into")
    export.add_argument(
        "--gain",
        action="store_true",
        help="the arguments are course ids: write each course's learning gain "
        "(CSV, or JSON with --format json)",
    )
    _lang_option(export)
    _db_option(export)

    report = commands.add_parser(
        "report",
        help="write one self-contained HTML report (charts, tables, approved open answers, word clouds) "
        "of a session, or of several side by side; it opens offline and prints to PDF",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    _sessions_argument(report, "several sessions go side by side, a bar colour each")
    _lang_option(report)
    report.add_argument(
        "--out", default=None, help="file to write; by default BANK-DATE-CODE-report.html in this folder"
    )
    _db_option(report)
    purge = commands.add_parser(
        "purge",
        help="delete a session and its answers for good; refused while a server holds the database",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    purge.add_argument("session", metavar="SESSION", help="session id or join code")
    _db_option(purge)

    archive = _command(
        commands,
        "archive",
        "write everything about a session (bank, state, answers, moderation) into one file "
        "with a checksum, to restore on another server; nothing in it identifies a participant",
    )
    archive.add_argument("session", metavar="SESSION", help="session id or join code")
    archive.add_argument(
        "--out", default=None, help="the file to write; by default SESSION-DATE.polling.json here"
    )
    _db_option(archive)

    restore = _command(
        commands,
        "restore",
        "load a session archive into a database no server is running on; damaged, foreign and "
        "unknown-version files are refused",
    )
    restore.add_argument("file", metavar="FILE", help="a file written by `polling archive`")
    restore.add_argument(
        "--replace",
        action="store_true",
        help="overwrite a session of the same id already in the database (its answers are lost)",
    )
    _db_option(restore)

    migrate = commands.add_parser(
        "migrate-db",
        help="copy every session, answer and account from one database into an empty other one "
        "(stop the servers of both first)",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    migrate.add_argument(
        "--from", dest="source", required=True, help="the database to copy: a SQLite file or URL"
    )
    migrate.add_argument(
        "--to", dest="target", required=True, help="the empty database to fill: a postgresql:// URL"
    )

    for role, does in (
        ("facilitator", "sees and drives only the sessions they create"),
        ("organiser", "lists and exports every session and drives none"),
    ):
        accounts = commands.add_parser(
            role,
            help=f"add, list or revoke {role} tokens for a shared server: a {role} {does}",
            formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        )
        actions = accounts.add_subparsers(dest="action", required=True, metavar="ACTION")
        add = actions.add_parser("add", help=f"make a {role} token, print it once and keep only its hash")
        add.add_argument("name", metavar="NAME", help=f"the {role}'s name, unique on this server")
        _db_option(add)
        listing = actions.add_parser("list", help=f"list the {role}s")
        _db_option(listing)
        revoke = actions.add_parser("revoke", help=f"revoke a {role}'s token (their sessions stay)")
        revoke.add_argument("name", metavar="NAME", help=f"the {role}'s name")
        _db_option(revoke)

    bench = commands.add_parser(
        "bench",
        help="measure one round of N participants against the raw baseline",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    bench.add_argument("--participants", "-n", type=int, default=2000, help="participants in the session")
    bench.add_argument("--processes", type=int, default=2, help="client processes that run the participants")
    bench.add_argument(
        "--changes", type=int, default=5, help="answer changes per participant in the ingest phase"
    )
    bench.add_argument(
        "--repeat", type=int, default=1, help="runs to make; the last line gives the median of each figure"
    )
    bench.add_argument(
        "--page",
        action="store_true",
        help="instead: open the phone's join page in Chromium on a slow profile in English, Russian "
        "and Arabic; report bytes and the time until the first option can be tapped",
    )
    bench.add_argument(
        "--pictures",
        type=int,
        metavar="PHONES",
        default=None,
        help="instead: this many phones fetch the same picture of a session at once, the cache warm; "
        "report the time until the last phone has it",
    )
    bench.add_argument(
        "--qna",
        action="store_true",
        help="instead: --participants phones in one session with Q&A; one in ten asks a question, then "
        "each votes for 10 questions; report votes acknowledged and stored, the facilitator's lag and "
        "CPU time per vote",
    )
    bench.add_argument(
        "--quiz",
        action="store_true",
        help="instead: N phones in a timed quiz question (one in 20 answers after the deadline); "
        "report acknowledged, counted and refused answers and the time until every phone has its "
        "own feedback and rank, beside the raw baseline's push",
    )
    bench.add_argument(
        "--crash",
        action="store_true",
        help="instead: SIGKILL the server during the answer burst, restart it, and count lost and "
        "double answers",
    )
    bench.add_argument(
        "--workers",
        type=int,
        default=1,
        help="measure also `serve --workers N` on --db postgresql://... and --redis, beside the one "
        "process on SQLite; with --crash: SIGKILL one of the N workers mid-burst; with --rooms: run "
        "the rooms on N workers",
    )
    bench.add_argument(
        "--rooms",
        type=int,
        default=0,
        help="instead: this many sessions at once, --per-room phones each, all answering within the "
        "same moment (on one process, or on --workers N with --db and --redis)",
    )
    bench.add_argument("--per-room", type=int, default=50, help="with --rooms: phones in each session")
    bench.add_argument(
        "--db",
        default=None,
        help="with --workers or --rooms: the PostgreSQL database to run on (postgresql://...)",
    )
    bench.add_argument(
        "--redis", default=None, help="with --workers: the Redis between the workers (redis://...)"
    )
    return parser


def _command(commands: Any, name: str, does: str) -> argparse.ArgumentParser:
    """A command whose help shows each option's default."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=does, formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    return parser


def _sessions_argument(parser: argparse.ArgumentParser, several: str) -> None:
    parser.add_argument("sessions", nargs="+", metavar="SESSION", help=f"session id or join code; {several}")


def _lang_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        default=None,
        help="language of the headers and the bank's texts in a workbook or report (a language of the "
        "bank or of the pages: en, ru, ar...); by default the bank's first language",
    )


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=_env("DB", DEFAULT_DB),
        help="SQLite database file, or a postgresql:// URL (env POLLING_DB)",
    )


def _banks_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--banks",
        default=_env("BANKS", None),
        help="folder of question banks (env POLLING_BANKS); by default the banks that come with polling",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    handlers = {
        "serve": serve,
        "check": check,
        "import": import_bank,
        "sessions": list_sessions,
        "export": export,
        "report": write_report,
        "purge": purge,
        "archive": archive_session,
        "restore": restore_session,
        "migrate-db": migrate_db,
        "facilitator": manage_accounts,
        "organiser": manage_accounts,
        "bench": bench,
    }
    return handlers[args.command](args)


def serve(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    from polling.live.app import create_app
    from polling.live.joining import is_loopback, join_base, qr_text
    from polling.live.server import raise_open_file_limit, run
    from polling.store import is_server_url, shown

    if args.redis and not is_server_url(args.db):
        raise SystemExit("polling: --redis needs a postgresql:// --db: a SQLite file belongs to one process")
    if args.workers > 1 and not (args.redis and is_server_url(args.db)):
        raise SystemExit(
            "polling: --workers above 1 needs --db postgresql://... and --redis redis://...: "
            "a SQLite file belongs to one process"
        )
    if not args.banks:  # the bundled banks, named as short as the current folder allows
        relative = os.path.relpath(data.BANKS)
        args.banks = str(data.BANKS) if relative.startswith("..") else relative
    token = args.token or secrets.token_urlsafe(12)
    base = join_base(args.host, args.port, args.public_url)
    retention = float(args.retention_days) if args.retention_days is not None else None
    worker = os.environ.get(WORKER_ENV) == "1"
    before, files = raise_open_file_limit()
    if not worker:
        facilitator = f"{base}/host#token={token}"
        workers = f", {args.workers} workers" if args.workers > 1 else ""
        print(f"Serving workshops at {base}  (database {shown(args.db)}, banks {args.banks}/{workers})")
        raised = f"raised from {before}" if files > before else "as far as the system allows"
        print(f"Open files: up to {files} ({raised}); each connection uses one")
        if is_loopback(args.host) and not args.public_url:
            print(
                f"Warning: listening on {args.host} only: phones cannot reach this. "
                "Serve with --host 0.0.0.0 for the local network, or give --public-url."
            )
        print("Facilitator link, for you alone (it holds the token):")
        print(f"  {facilitator}")
        print(qr_text(facilitator))
        sys.stdout.flush()
    if args.workers > 1 and not worker:
        from polling.live.workers import supervise

        return supervise(args.workers, _worker_command(args, base), {"POLLING_TOKEN": token, WORKER_ENV: "1"})
    app = create_app(
        args.db,
        args.banks,
        token,
        base,
        retention,
        args.rate_limit,
        args.redis,
        args.max_pending,
        args.join_rate,
        args.images,
        args.min_group,
    )
    run(app, args.host, args.port, args.ping_interval, reuse_port=worker)
    return 0


WORKER_ENV = "POLLING_WORKER"  # set in the processes that `serve --workers N` starts


def _worker_command(args: argparse.Namespace, base: str) -> list[str]:
    """The command line of one worker: the same server, one process, on the shared port."""
    command = [
        sys.executable, "-m", "polling", "serve", "--workers", "1",
        "--host", args.host, "--port", str(args.port), "--db", args.db, "--banks", str(args.banks),
        "--public-url", base, "--redis", args.redis, "--rate-limit", str(args.rate_limit),
        "--ping-interval", str(args.ping_interval), "--max-pending", str(args.max_pending),
        "--join-rate", str(args.join_rate), "--min-group", str(args.min_group),
    ]  # fmt: skip
    if args.images is not None:
        command += ["--images", str(args.images)]
    if args.retention_days is not None:
        command += ["--retention-days", str(args.retention_days)]
    return command


def _min_group(text: Any) -> int:
    """--min-group: a whole number from 2 to 1000."""
    try:
        return check_min_group(int(text))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def check(args: argparse.Namespace) -> int:
    """Print every problem of the banks; 1 when any is an error (or a warning, with --strict)."""
    from polling.core.banks import bank_files
    from polling.core.banks import check as check_banks
    from polling.media.images import check_images

    files = bank_files(args.paths)
    problems, ok = check_banks(args.paths, strict=args.strict, files=check_images)
    # With --graph, standard output carries the flowcharts alone, to be pasted or redirected.
    for problem in problems:
        print(problem, file=sys.stderr if args.graph else sys.stdout)
    if args.graph:
        print_graphs(files, args.lang)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    print(f"{len(files)} bank(s) checked: {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 0 if ok else 1


def print_graphs(files: list[Path], language: str | None) -> None:
    """The scenario of each bank that loads and has one, as Mermaid, each under a comment with
    its file; a bank without `language` is drawn in its default language, and says so."""
    from polling.core.banks import load_bank
    from polling.core.scenario import mermaid

    drawn = [(file, bank) for file in files if (bank := load_bank(file)[0]) is not None and bank.scenario]
    for number, (file, bank) in enumerate(drawn):
        assert bank.scenario is not None
        chosen = language if language in bank.languages else bank.default_language
        if language is not None and chosen != language:
            note = f"{file}: has no language {language!r}: its graph is in {chosen!r}"
            print(note, file=sys.stderr)
        print(("\n" if number else "") + f"%% {file} ({chosen})")
        print(mermaid(bank.scenario, chosen), end="")


def import_bank(args: argparse.Namespace) -> int:
    """Convert a file of questions into a bank, then check the bank as `polling check` does."""
    from polling.core.banks import ID_PATTERN, ID_RULE, LANGUAGE_KIND, LANGUAGE_PATTERN, load_bank
    from polling.reports.imports import SourceError, guess_format
    from polling.reports.imports.convert import convert, title_of

    source, out = Path(args.file), Path(args.out)
    if not ID_PATTERN.fullmatch(out.stem) or out.suffix not in (".yaml", ".yml"):
        raise SystemExit(
            f"polling: --out {out.name}: name a .yaml file whose name {ID_RULE} (it is the bank id)"
        )
    if not LANGUAGE_PATTERN.fullmatch(args.lang):
        raise SystemExit(f"polling: --lang {args.lang!r} is not {LANGUAGE_KIND}")
    try:
        raw = source.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as error:
        raise SystemExit(f"polling: cannot read {source}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        print(f"{source}:{line}: error: the file is not UTF-8 text: save it with the UTF-8 encoding")
        return 1
    fmt = args.format or guess_format(source.name, text)
    try:
        bank, notices = convert(text, fmt, args.lang, source.name, title_of(source.stem))
    except SourceError as error:
        print(f"{source}:{error.line}: error: {error.message}")
        return 1
    for notice in notices:
        print(f"{source}:{notice.line}: warning: {notice.message}")
    if bank is None:
        print(f"{source}: error: no question could be converted from it as {fmt}")
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(bank, encoding="utf-8")
    loaded, problems = load_bank(out)
    for problem in problems:
        print(problem)
    count = len(loaded.questions) if loaded else 0
    print(
        f"{count} question(s) converted from {source} ({fmt}) into {out}; "
        f"{len(notices)} thing(s) left out or changed",
        file=sys.stderr,
    )
    return 0 if loaded is not None else 1


async def _stored(db: str, exclusive: bool = False) -> Any:
    from polling.live.service import Polling
    from polling.store import is_server_url, open_store
    from polling.store.base import StoreError

    if not is_server_url(db) and not Path(db).exists():
        raise SystemExit(f"polling: no database at {db}")
    store = open_store(db, exclusive)
    try:
        await store.open()
    except StoreError as error:
        raise SystemExit(
            f"polling: {error}; delete the session from the home page (DELETE /api/sessions/ID) "
            "or stop the server first"
        ) from None
    polling = Polling(store, data.BANKS, token="", join_base=_env("PUBLIC_URL", "http://localhost:8000"))
    await polling.start()
    return polling


def list_sessions(args: argparse.Namespace) -> int:
    """Print one line per stored session, newest first."""

    async def run() -> None:
        polling = await _stored(args.db)
        print(
            f"{'SESSION':<12} {'CODE':<6} {'STATUS':<8} {'CREATED':<18} {'ANSWERED':>8} {'ANSWERS':>7}  BANK"
        )
        for session in reversed(list(polling.sessions.values())):
            answers = sum(t.responses for t in session.tallies.values())
            print(
                f"{session.id:<12} {session.code:<6} {session.status:<8} {session.created:<18} "
                f"{len(session.answered):>8} {answers:>7}  {session.bank.id}"
            )
        await polling.store.close()

    asyncio.run(run())
    return 0


def export(args: argparse.Namespace) -> int:
    """Write each session's answers and summary (CSV) or the whole session (JSON), or one workbook
    of all the sessions (xlsx)."""
    from polling.reports import exports as exporting
    from polling.reports.debrief import render_scenario
    from polling.reports.qnaexport import render_qna

    if args.gain:
        return _export_gain(args)

    async def run(polling: Any, sessions: list[Any]) -> int:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        if args.format == "xlsx":
            return await _write_report(polling, sessions, "xlsx", args.lang, None, out)
        for session in sessions:
            answers = await polling.store.answers(session.id)
            info = polling.info(session)
            documents = [
                exporting.render(kind, session, info, answers)
                for kind in (("json",) if args.format == "json" else ("answers", "summary", "breakdowns"))
            ]
            if args.qna:
                kind = "qna_json" if args.format == "json" else "qna_csv"
                documents.append(render_qna(kind, session, info, await polling.store.qna(session.id)))
            if args.scenario and session.bank.scenario is not None:
                kind = "scenario_json" if args.format == "json" else "scenario_csv"
                rows = await polling.store.scenario(session.id)
                documents.append(render_scenario(kind, session, info, rows))
            for document in documents:
                (out / document.filename).write_text(document.body, encoding="utf-8")
                print(out / document.filename)
        return 0

    return _with_sessions(args.db, args.sessions, run)


def write_report(args: argparse.Namespace) -> int:
    """Write the HTML report of one session or several side by side."""

    async def run(polling: Any, sessions: list[Any]) -> int:
        return await _write_report(polling, sessions, "html", args.lang, args.out, Path("."))

    return _with_sessions(args.db, args.sessions, run)


def _export_gain(args: argparse.Namespace) -> int:
    """Write the learning gain of each course named (by id) as CSV or JSON."""
    from polling.reports.learning import course_gain, render_gain

    async def run() -> int:
        polling = await _stored(args.db)
        try:
            out = Path(args.out)
            out.mkdir(parents=True, exist_ok=True)
            for name in args.sessions:
                row = polling.courses.rows.get(name)
                if row is None:
                    print(f"polling: no course {name!r}", file=sys.stderr)
                    return 1
                result = course_gain(polling.courses.info(row), polling.courses.sessions_of(row.id))
                document = render_gain("json" if args.format == "json" else "csv", result)
                (out / document.filename).write_text(document.body, encoding="utf-8")
                print(out / document.filename)
            return 0
        finally:
            await polling.store.close()

    return asyncio.run(run())


def _with_sessions(db: str, wanted: list[str], then: Any) -> int:
    """Open the database, find each session by id or join code, and run `then(polling, sessions)`."""

    async def run() -> int:
        polling = await _stored(db)
        try:
            sessions = []
            for name in wanted:
                try:
                    sessions.append(_find(polling, name))
                except LookupError:
                    print(f"polling: no session {name!r}", file=sys.stderr)
                    return 1
            result: int = await then(polling, sessions)
            return result
        finally:
            await polling.store.close()

    return asyncio.run(run())


async def _write_report(
    polling: Any, sessions: list[Any], kind: str, lang: str | None, path: str | None, folder: Path
) -> int:
    """Write one report of `sessions` to `path`, or under its own name into `folder`."""
    from polling.reports import report
    from polling.reports.qnaexport import board_of
    from polling.reports.tables import LanguageError

    answers = [await polling.store.answers(s.id) for s in sessions]
    boards = [board_of(await polling.store.qna(s.id)) for s in sessions]
    try:
        document = report.build(kind, sessions, answers, lang, boards)
    except LanguageError as error:
        print(f"polling: {error}", file=sys.stderr)
        return 1
    target = Path(path) if path else folder / document.filename
    target.write_bytes(document.body)
    print(target)
    return 0


def purge(args: argparse.Namespace) -> int:
    """Delete a session and its answers from the database for good."""

    async def run() -> int:
        # Alone: a server holding the same database would keep the session in memory.
        polling = await _stored(args.db, exclusive=True)
        try:
            session = _find(polling, args.session)
            await polling.purge(session.id)
            print(f"purged session {session.id} ({session.code}) and its answers")
            return 0
        except LookupError:
            print(f"polling: no session {args.session!r}", file=sys.stderr)
            return 1
        finally:
            await polling.store.close()

    return asyncio.run(run())


def archive_session(args: argparse.Namespace) -> int:
    """Write one session, whole and checksummed, into a file another server can restore."""
    from polling.reports.archive import SUFFIX, encode
    from polling.store.copy import read_session

    async def run() -> int:
        polling = await _stored(args.db)
        try:
            session = _find(polling, args.session)
            row, answers, joined, finished = await read_session(polling.store, session.id)
            qna = await polling.store.qna(session.id)
            scenario = await polling.store.scenario(session.id)
        except LookupError:
            print(f"polling: no session {args.session!r}", file=sys.stderr)
            return 1
        finally:
            await polling.store.close()
        out = Path(args.out or f"{row.id}-{row.created[:10]}{SUFFIX}")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(encode(row, answers, joined, finished, qna, scenario), encoding="utf-8")
        print(
            f"archived session {row.id} ({row.code}): {len(answers)} answer(s), "
            f"{len(qna.questions)} Q&A question(s) and {len(scenario.events)} exercise event(s) in {out}"
        )
        return 0

    return asyncio.run(run())


def restore_session(args: argparse.Namespace) -> int:
    """Load a session archive into a database, refusing a bad file or an unasked overwrite."""
    from polling.live.joining import new_code
    from polling.reports.archive import ArchiveError, decode
    from polling.store import open_store, shown
    from polling.store.base import StoreError
    from polling.store.copy import SessionExists
    from polling.store.copy import restore_session as write

    try:
        text = Path(args.file).read_text(encoding="utf-8")
        archive = decode(text, screen_key=secrets.token_urlsafe(12))
    except (OSError, UnicodeDecodeError) as error:
        raise SystemExit(f"polling: cannot read {args.file}: {error}") from None
    except ArchiveError as error:
        raise SystemExit(f"polling: {args.file}: {error}") from None

    async def run() -> int:
        # Alone: a server running on the database would not know of the session it gained.
        store = open_store(args.db, exclusive=True)
        try:
            await store.open()
        except StoreError as error:
            raise SystemExit(f"polling: {error}; stop the server first") from None
        try:
            row = await write(
                store,
                archive.session,
                archive.answers,
                archive.joined,
                archive.finished,
                args.replace,
                new_code,
                archive.qna,
                archive.scenario,
            )
        except SessionExists as error:
            print(f"polling: {error}: pass --replace to overwrite it", file=sys.stderr)
            return 1
        except StoreError as error:
            print(f"polling: {error}", file=sys.stderr)
            return 1
        finally:
            await store.close()
        moved = f", with the new join code {row.code}" if row.code != archive.session.code else ""
        print(f"restored session {row.id} ({len(archive.answers)} answer(s)) into {shown(args.db)}{moved}")
        return 0

    return asyncio.run(run())


def migrate_db(args: argparse.Namespace) -> int:
    """Copy a whole database into an empty one, for instance from SQLite to PostgreSQL."""
    from polling.store import is_server_url, open_store, shown
    from polling.store.base import StoreError
    from polling.store.copy import copy_database

    if not is_server_url(args.source) and not Path(args.source).exists():
        raise SystemExit(f"polling: no database at {args.source}")

    async def run() -> int:
        # Both alone: a server writing either side while it is copied would be lost or mixed.
        source, target = open_store(args.source, exclusive=True), open_store(args.target, exclusive=True)
        try:
            await source.open()
            await target.open()
            copied = await copy_database(source, target)
        except StoreError as error:
            print(
                f"polling: {error}; if the copy had begun, empty the target before trying again",
                file=sys.stderr,
            )
            return 1
        finally:
            for store in (source, target):
                with contextlib.suppress(Exception):
                    await store.close()
        print(
            f"copied {copied.sessions} session(s), {copied.answers} answer(s) and {copied.accounts} "
            f"account(s) from {shown(args.source)} to {shown(args.target)}"
        )
        return 0

    return asyncio.run(run())


def manage_accounts(args: argparse.Namespace) -> int:
    """Add, list or revoke the facilitators or organisers of a shared server."""
    from polling.core.access import token_hash
    from polling.live.stored import utc_minute
    from polling.store import is_server_url, open_store
    from polling.store.base import AccountRow, StoreError

    async def run() -> int:
        # A SQLite file is written by one process at a time: not beside a running server.
        store = open_store(args.db, exclusive=args.action != "list" and not is_server_url(args.db))
        try:
            await store.open()
        except StoreError as error:
            raise SystemExit(f"polling: {error}; stop the server first") from None
        try:
            if args.action == "list":
                for account in await store.accounts():
                    if account.role == args.command:
                        print(f"{account.name}\t{account.created}")
                return 0
            if args.action == "revoke":
                if await store.revoke_account(args.name):
                    print(f"revoked the {args.command} {args.name}")
                    return 0
                print(f"polling: no {args.command} {args.name!r}", file=sys.stderr)
                return 1
            token = secrets.token_urlsafe(24)
            row = AccountRow(args.name, args.command, token_hash(token), utc_minute())
            try:
                await store.add_account(row)
            except StoreError:
                print(f"polling: the name {args.name!r} is taken", file=sys.stderr)
                return 1
            print(f"{args.command} {args.name}: token {token}")
            print("Give it to them alone; only its hash is kept, so it cannot be shown again.")
            return 0
        finally:
            await store.close()

    if not is_server_url(args.db) and not Path(args.db).exists() and args.action != "add":
        raise SystemExit(f"polling: no database at {args.db}")
    return asyncio.run(run())


def _find(polling: Any, wanted: str) -> Any:
    """A stored session by id or join code; LookupError when there is none."""
    from polling.live.refusals import Refused

    for lookup in (polling.session, polling.by_code):
        try:
            return lookup(wanted)
        except Refused:
            continue
    raise LookupError(wanted)


def bench(args: argparse.Namespace) -> int:
    """Run the benchmark; its last line is one JSON object."""
    from polling.bench.bench import Engines, run_bench, run_crash

    if args.page:
        from polling.bench.page import run_page

        run_page()
        return 0
    if args.pictures:
        from polling.bench.pictures import run_pictures

        return 0 if run_pictures(args.pictures)["all_received"] else 1
    if args.qna:
        from polling.bench.qna import run_qna

        outcome = run_qna(args.participants)
        return 0 if outcome["votes_stored"] == outcome["votes_acked"] == outcome["votes_sent"] else 1
    if args.quiz:
        from polling.bench.quizbench import run_quiz

        quiz = run_quiz(args.participants, args.processes)
        fair = quiz["answers_acked"] == quiz["answers_counted"] == quiz["answers_stored"]
        return 0 if fair and quiz["late_refused"] == quiz["late_sent"] else 1
    if args.rooms:
        from polling.bench.cluster import run_rooms

        if args.workers > 1 and not (args.db and args.redis):
            raise SystemExit(
                "polling: bench --rooms --workers needs --db postgresql://... and --redis redis://..."
            )
        rooms = run_rooms(args.rooms, args.per_room, args.processes, args.workers, args.db, args.redis)
        return 0 if rooms["answers_counted"] == rooms["answers_sent"] else 1
    if args.crash and args.workers > 1:
        from polling.bench.cluster import run_crash_workers
        from polling.store import is_server_url

        if not (args.db and is_server_url(args.db) and args.redis):
            raise SystemExit(
                "polling: bench --crash --workers needs --db postgresql://... and --redis redis://..."
            )
        outcome = run_crash_workers(args.participants, args.processes, args.workers, args.db, args.redis)
        return 0 if outcome["lost"] == outcome["duplicates"] == 0 and outcome["counts_agree"] else 1
    if args.crash:
        result = run_crash(args.participants, args.processes)
        return 0 if result["lost"] == result["duplicates"] == 0 and result["resumed"] else 1
    if args.repeat < 1:
        raise SystemExit("--repeat must be at least 1")
    engines = None
    if args.workers > 1:
        from polling.store import is_server_url

        if not (args.db and is_server_url(args.db) and args.redis):
            raise SystemExit("polling: bench --workers needs --db postgresql://... and --redis redis://...")
        engines = Engines(args.db, args.redis, args.workers)
    summary = run_bench(args.participants, args.processes, args.changes, args.repeat, engines)
    every = summary["answers_sent"]
    return 0 if summary["answers_stored"] == summary.get("workers_answers_stored", every) == every else 1
