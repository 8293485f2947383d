"""`polling serve --workers N`: N server processes on one port, each restarted when it dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from types import FrameType

RESTART_DELAY = 1.0  # seconds before a worker that died is started again


def supervise(count: int, command: list[str], env: dict[str, str]) -> int:
    """Run `count` copies of `command` until told to stop; a copy that dies is started again."""
    environment = {**os.environ, **env}
    workers = [subprocess.Popen(command, env=environment) for _ in range(count)]
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
                workers[index] = subprocess.Popen(command, env=environment)
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
