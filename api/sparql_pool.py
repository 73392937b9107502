"""A small pool of worker processes that run SPARQL queries and can be killed mid-query.

pyoxigraph releases the GIL while it evaluates, but nothing can interrupt a query once it
runs: a blocking operator (ORDER BY, GROUP BY, COUNT over a cross join) spends all its
time inside one uninterruptible call. A worker process can be killed, though. Each worker
opens the current generation read-only, runs one query at a time and answers with
pyoxigraph's serialised bytes; on timeout the serving process kills it (SIGKILL) and starts
a fresh one in the background. Workers fork from a forkserver that has already imported
pyoxigraph, so a respawn costs milliseconds.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import queue
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

from kg.errors import KGError, QueryBusyError, QueryError, QueryTimeoutError
from kg.sparql_exec import Outcome, Prepared

log = logging.getLogger(__name__)


def _worker_main(conn: Connection) -> None:
    """Serve (store path, Prepared) requests until the pipe closes."""
    import pyoxigraph as ox

    from kg.sparql_exec import Prepared, run

    opened: tuple[str, ox.Store] | None = None
    while True:
        try:
            path, wire = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            if opened is None or opened[0] != path:
                opened = None  # drop the old generation's handle before opening the new one
                opened = (path, ox.Store.read_only(path))
            out = run(opened[1], Prepared.from_wire(wire))
            conn.send(("ok", (out.body, out.fmt, out.kind, out.rows, out.truncated)))
        except KGError as exc:
            conn.send(("err", exc))
        except Exception as exc:  # reported to the serving process, which logs it
            conn.send(("crash", f"{type(exc).__name__}: {exc}"))


@dataclass(eq=False)
class _Worker:
    proc: mp.process.BaseProcess
    conn: Connection


class WorkerPool:
    """`size` worker processes; `run` hands a query to an idle one and waits at most
    `timeout` seconds (queueing for a worker included)."""

    def __init__(self, size: int = 2):
        self.size = max(1, size)
        self._ctx = mp.get_context("forkserver")
        self._ctx.set_forkserver_preload(["kg.sparql_exec"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.kills = 0

    def start(self) -> None:
        """Start the workers (the first start also starts the forkserver, ~0.2 s)."""
        for _ in range(self.size - len(self._all)):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        ours, theirs = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker_main, args=(theirs,), daemon=True)
        proc.start()
        theirs.close()
        w = _Worker(proc, ours)
        with self._lock:
            self._all.add(w)
        return w

    def _replace(self, w: _Worker) -> None:
        """Kill a worker and put a fresh one in its place (in the background)."""
        with self._lock:
            self._all.discard(w)
        w.proc.kill()
        w.conn.close()
        self.kills += 1

        def respawn() -> None:
            w.proc.join(5)
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
            w.conn.send((store_path, prepared.to_wire()))
            if not w.conn.poll(max(0.0, deadline - time.monotonic())):
                raise QueryTimeoutError(
                    f"the query ran longer than the {timeout:g} s limit and was stopped"
                )
            status, payload = w.conn.recv()
            healthy = True
        except (EOFError, OSError, BrokenPipeError) as exc:
            raise QueryError(f"the query worker died while running the query ({exc})") from exc
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
            w.conn.close()
        for w in workers:
            w.proc.join(2)
