"""A real PostgreSQL server for the tests, started from the installed binaries in a temporary folder."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

# Debian installs the server outside PATH, one folder per major version.
BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))


def binary(name: str) -> str:
    """The path of a PostgreSQL server program, newest version first."""
    for folder in reversed(BINARIES):
        if Path(folder, name).exists():
            return str(Path(folder, name))
    found = shutil.which(name)
    if found is None:
        raise AssertionError(
            f"PostgreSQL's {name} is not installed: `make test` installs the Debian package postgresql"
        )
    return found


class PostgresServer:
    """One `postgres` on 127.0.0.1:port, trusting local connections, deleted when stopped."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix="polling-pg-"))
        self.data = self.folder / "data"
        # PostgreSQL refuses to run as root: run it as the package's own user then.
        self.user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        """Create the cluster and start the server; returns once it accepts connections."""
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self._run(binary("initdb"), "-D", str(self.data), "-U", "polling", "--auth=trust", "-E", "UTF8")
        self.start_server()

    def start_server(self) -> None:
        """Start (or start again) the server on its cluster; returns once it accepts connections."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
        log = str(self.folder / "log")
        self._run(binary("pg_ctl"), "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop_server(self) -> None:
        """Stop the server at once, as a crash would, keeping its files."""
        self._run(binary("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://polling@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """Stop the server at once and delete its files."""
        try:
            self.stop_server()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
