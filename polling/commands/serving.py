"""`polling serve` and `polling bench`: a workshop served from this machine (one process, or a
supervisor and its workers), and the benchmarks that measure it."""

from __future__ import annotations

import argparse
import os
import secrets
import sys

from polling import data


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
