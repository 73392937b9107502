"""A small pool of worker processes that run SPARQL queries and can be killed mid-query.

pyoxigraph releases the GIL while it evaluates, but nothing can interrupt a query once it
runs: a blocking operator (ORDER BY, GROUP BY, COUNT over a cross join) spends all its
time inside one uninterruptible call. A worker process can be killed, though. Each worker
opens the current generation read-only, runs one query at a time and answers with
pyoxigraph's serialised bytes; on timeout the serving process kills it (SIGKILL) and starts
a fresh one in the background. Workers are plain `python -m api.sparql_pool` processes
talking over two pipes (so they never re-import the server's `__main__`); one starts in
~50 ms.
"""

from __future__ import annotations

import logging
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

from kg.errors import KGError, QueryBusyError, QueryTimeoutError
from kg.sparql_exec import Outcome, Prepared

log = logging.getLogger(__name__)


def _isolate_network() -> bool:
    """Move this worker into a network namespace of its own (no interface up), so that even
    a query that slipped past the SERVICE check could not reach out. Linux, and needs
    CAP_SYS_ADMIN (root, or root in a container); elsewhere the query checks stand alone."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).unshare(0x40000000) == 0  # CLONE_NEWNET
    except (OSError, AttributeError):
        return False


def _worker_main(requests: Connection, replies: Connection) -> None:
    """Serve (store path, Prepared) requests until the pipe closes."""
    import pyoxigraph as ox

    if not _isolate_network():
        log.debug("query worker %d shares the host's network", os.getpid())

    from kg.sparql_exec import Prepared, run

    opened: tuple[str, ox.Store] | None = None
    while True:
        try:
            path, wire = requests.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            if opened is None or opened[0] != path:
                opened = None  # drop the old generation's handle before opening the new one
                opened = (path, ox.Store.read_only(path))
            out = run(opened[1], Prepared.from_wire(wire))
            replies.send(("ok", (out.body, out.fmt, out.kind, out.rows, out.truncated)))
        except KGError as exc:
            replies.send(("err", exc))
        except Exception as exc:  # reported to the serving process, which logs it
            replies.send(("crash", f"{type(exc).__name__}: {exc}"))


@dataclass(eq=False)
class _Worker:
    proc: subprocess.Popen
    send: Connection
    recv: Connection

    def close(self) -> None:
        """Close both pipe ends."""
        self.send.close()
        self.recv.close()


class WorkerPool:
    """`size` worker processes; `run` hands a query to an idle one and waits at most
    `timeout` seconds (queueing for a worker included)."""

    def __init__(self, size: int = 2):
        self.size = max(1, size)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.kills = 0

    def start(self) -> None:
        """Start the workers."""
        for _ in range(self.size - len(self._all)):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.sparql_pool", str(to_r), str(from_w)],
            pass_fds=(to_r, from_w),
            stdin=subprocess.DEVNULL,
        )
        os.close(to_r)
        os.close(from_w)
        w = _Worker(proc, Connection(to_w, readable=False), Connection(from_r, writable=False))
        with self._lock:
            self._all.add(w)
        return w

    def _replace(self, w: _Worker) -> None:
        """Kill a worker and put a fresh one in its place (in the background)."""
        with self._lock:
            self._all.discard(w)
        w.proc.kill()
        w.close()
        self.kills += 1

        def respawn() -> None:
            w.proc.wait(5)
            if not self._closed:
                self._idle.put(self._spawn())

        threading.Thread(target=respawn, name="sparql-respawn", daemon=True).start()

    def run(self, store_path: str, prepared: Prepared, timeout: float) -> Outcome:
        """Run a query in a worker; raise QueryTimeoutError (and kill the worker) when it
        takes longer than `timeout`, QueryBusyError when no worker frees up in time."""
        if not self._all:
            self.start()
        deadline = time.monotonic() + timeout
        try:
            w = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryBusyError(
                f"every query worker stayed busy for {timeout:g} s; retry shortly"
            ) from None
        healthy = False
        try:
            w.send.send((store_path, prepared.to_wire()))
            if not w.recv.poll(max(0.0, deadline - time.monotonic())):
                raise QueryTimeoutError(
                    f"the query ran longer than the {timeout:g} s limit and was stopped"
                )
            status, payload = w.recv.recv()
            healthy = True
        except (EOFError, OSError) as exc:
            code = w.proc.poll()
            raise RuntimeError(f"the query worker died (exit status {code}): {exc}") from exc
        finally:
            if healthy:
                self._idle.put(w)
            else:
                self._replace(w)
        if status == "ok":
            return Outcome(*payload)
        if status == "err":
            raise payload
        raise RuntimeError(f"query worker failed: {payload}")

    def restart(self) -> None:
        """Replace every worker (after the store was written, so none keeps a stale view)."""
        while True:
            try:
                w = self._idle.get_nowait()
            except queue.Empty:
                break
            self._replace(w)

    def close(self) -> None:
        """Kill every worker."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.proc.kill()
            w.close()
        for w in workers:
            w.proc.wait(2)


if __name__ == "__main__":  # a worker: python -m api.sparql_pool READ_FD WRITE_FD
    _worker_main(
        Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False)
    )
