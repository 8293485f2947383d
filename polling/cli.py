"""The `polling` command: parses the command line and calls the command it names (polling/commands/)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import Any

from polling import __version__
from polling.commands.accounts import manage_accounts
from polling.commands.banks import check, import_bank
from polling.commands.serving import bench, serve
from polling.commands.sessions import (
    archive_session,
    export,
    list_sessions,
    migrate_db,
    purge,
    restore_session,
    write_report,
)
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


def _min_group(text: Any) -> int:
    """--min-group: a whole number from 2 to 1000."""
    try:
        return check_min_group(int(text))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
