"""`polling facilitator` and `polling organiser`: the accounts of a shared server."""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
from pathlib import Path


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
