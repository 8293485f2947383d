"""`polling serve --workers N`: N server processes on one port, each restarted when it dies."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from types import FrameType

RESTART_DELAY = 1.0  # seconds before a worker that died is started again
PR_SET_PDEATHSIG = 1  # prctl option: a signal the process gets when its parent dies


def _die_with_the_supervisor() -> None:
    """Run in each worker before it starts: killed when the supervisor dies, however it dies.

    Without it a supervisor killed with SIGKILL (or by a service manager that gave up waiting)
    leaves its workers serving on the port, and a new supervisor starts beside them. SIGKILL,
    not SIGTERM: only an abnormal end of the supervisor gets here (a stopped supervisor stops
    its workers itself), and nothing acknowledged is lost, since it was committed first."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _start(command: list[str], environment: dict[str, str]) -> subprocess.Popen[bytes]:
    # The supervisor runs no threads, so preexec_fn is safe here.
    return subprocess.Popen(command, env=environment, preexec_fn=_die_with_the_supervisor)


def supervise(count: int, command: list[str], env: dict[str, str]) -> int:
    """Run `count` copies of `command` until told to stop; a copy that dies is started again."""
    environment = {**os.environ, **env}
    workers = [_start(command, environment) for _ in range(count)]
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"Workers: {', '.join(str(w.pid) for w in workers)}", flush=True)
    while not stopping:
        time.sleep(0.2)
        for index, worker in enumerate(workers):
            if worker.poll() is not None and not stopping:
                print(f"Worker {worker.pid} stopped ({worker.returncode}); starting another", file=sys.stderr)
                time.sleep(RESTART_DELAY)
                workers[index] = _start(command, environment)
                print(f"Workers: {', '.join(str(w.pid) for w in workers)}", flush=True)
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
    return 0
