"""The SPARQL endpoint's engine: where the current graph is, and where each query runs.

Lookups whose work is bounded in advance (a lone triple pattern per UNION branch, or a
tree of patterns whose fan-outs `kg.sparql_cost` bounds with this generation's statistics)
run in the serving process on a read-only handle: a process hop would double their cost.
Every other query runs in a killable worker process (`WorkerPool`). Should an in-process
query still overrun its timeout, every query goes to the workers until it has finished.
Updates, allowed only with the bearer token, pause queries, write the current generation
in place and restart the workers so none keeps a stale view.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from api.sparql_pool import WorkerPool
from kg.errors import (
    ForbiddenQueryError,
    NotIngestedError,
    QueryBusyError,
    QueryError,
    UnauthorizedError,
)
from kg.settings import SparqlSettings
from kg.sparql import PREFIXES, check_update, parse_error
from kg.sparql_cost import FAN_OUT_QUERIES, INLINE_WORK_BUDGET, FanOut, work_bound
from kg.sparql_exec import Outcome, Prepared, prepare, run

log = logging.getLogger(__name__)

# How long a looked-up generation is trusted: an ingest becomes visible within this time.
GENERATION_TTL_S = 0.25


class _Gate:
    """Many queries or one update at a time (queries never see a half-written store)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False

    @contextmanager
    def read(self):
        """Hold a query's place; waits while an update writes."""
        with self._cond:
            while self._writing:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self, timeout: float):
        """Wait (at most `timeout`) for running queries, then hold new ones off."""
        with self._cond:
            self._writing = True
            try:
                if not self._cond.wait_for(lambda: self._readers == 0, timeout):
                    raise QueryBusyError(f"queries kept running for {timeout:g} s; retry")
            except BaseException:
                self._writing = False
                self._cond.notify_all()
                raise
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class SparqlService:
    """Runs checked queries on the current generation with a timeout and a row cap.

    Args:
        settings: timeout, row cap, update token, worker count.
        locate: returns the folder of the current generation's RDF store (None: nothing
            ingested yet). Called at most every GENERATION_TTL_S seconds.
        remote: for a KB whose RDF lives on a SPARQL server (KG_SPARQL__REMOTE_URL): returns
            its query handle. Queries are then HTTP calls made in a thread, abandoned at the
            timeout (the server applies its own limits); no worker processes are started.
    """

    def __init__(
        self,
        settings: SparqlSettings,
        locate: Callable[[], Path | None],
        remote: Callable[[], object] | None = None,
    ):
        self.settings = settings
        self._locate = locate
        self._remote = remote
        self.pool = WorkerPool(settings.workers)
        self._gate = _Gate()
        self._located: tuple[float, str | None] = (-1.0, None)
        self._local: tuple[str, ox.Store] | None = None
        self._local_lock = threading.Lock()
        self._fan: dict[str, FanOut | None] = {}  # per store path; None while measuring
        self._unmeasured: set[str] = set()  # paths whose measurement failed
        self._bounds: dict[str, int | None] = {}  # query text -> work bound (current path)
        self._inline_since: dict[int, float] = {}  # thread id -> start of its inline query

    # -- where ---------------------------------------------------------------------------
    def store_path(self) -> str:
        """The current generation's store folder, or NotIngestedError."""
        at, path = self._located
        now = time.monotonic()
        if path is None or now - at > GENERATION_TTL_S:
            found = self._locate()
            path = None if found is None else str(found)
            self._located = (now, path)
        if path is None:
            raise NotIngestedError("nothing ingested yet — run `kg ingest` on this KB first")
        return path

    def _local_store(self, path: str) -> ox.Store:
        with self._local_lock:
            if self._local is None or self._local[0] != path:
                self._local = (path, ox.Store.read_only(path))
            return self._local[1]

    # -- fan-out statistics ----------------------------------------------------------------
    def _fan_out(self, path: str) -> FanOut | None:
        with self._local_lock:
            if path not in self._fan:
                self._fan[path] = None
                threading.Thread(target=self._measure, args=(path,), daemon=True).start()
        return self._fan.get(path)

    def _measure(self, path: str) -> None:
        """Measure a generation's fan-outs in a worker (seconds at 1M triples, once)."""
        try:
            tsv = {}
            for key, q in FAN_OUT_QUERIES.items():
                p = prepare(q, 10**7, format_param="tsv")
                tsv[key] = self.pool.run(path, p, max(120.0, self.settings.timeout_s)).body
            fan = FanOut.from_tsv(tsv["out"], tsv["in"])
        except Exception:  # without statistics every query simply runs in a worker
            log.warning("could not measure fan-outs of %s", path, exc_info=True)
            self._unmeasured.add(path)
            return
        self._bounds.clear()
        self._fan = {path: fan}

    @property
    def workers(self) -> int:
        """Worker processes that run queries (0 for a remote store)."""
        return 0 if self._remote else self.pool.size

    def start(self) -> None:
        """Start the worker processes (none for a remote store)."""
        if not self._remote:
            self.pool.start()

    def warm_up(self, timeout: float = 300.0) -> bool:
        """Start the workers and wait until the current generation's statistics are known."""
        if self._remote:
            return True
        self.pool.start()
        deadline = time.monotonic() + timeout
        while self._fan_out(path := self.store_path()) is None:
            if time.monotonic() > deadline or path in self._unmeasured:
                return False
            time.sleep(0.02)
        return True

    # -- queries -------------------------------------------------------------------------
    def prepare(self, query: str, **kw) -> Prepared:
        """Check and rewrite a query (see kg.sparql_exec.prepare) with this endpoint's cap."""
        return prepare(query, self.settings.max_rows, **kw)

    def inline(self, p: Prepared) -> bool:
        """True when a query's work is bounded, so it may run in this process."""
        if self._remote:
            return True  # an HTTP call to the server: nothing to kill here
        if self._inline_since and self._overrunning():
            return False
        if "service" in p.query.lower():
            return False  # never in-process, only in a (network-isolated) worker
        if p.shape.fast:
            return True
        if not p.shape.plain:
            return False
        fan = self._fan_out(self.store_path())
        if fan is None:
            return False
        if p.query not in self._bounds:
            if len(self._bounds) > 4096:
                self._bounds.clear()
            self._bounds[p.query] = work_bound(p.query, p.shape, fan, PREFIXES)
        bound = self._bounds[p.query]
        return bound is not None and bound <= INLINE_WORK_BUDGET

    def _overrunning(self) -> bool:
        limit = time.monotonic() - self.settings.timeout_s
        return any(t < limit for t in list(self._inline_since.values()))

    def run_inline(self, p: Prepared) -> Outcome:
        """Run a bounded query in this process (the HTTP route bounds the wait)."""
        me = threading.get_ident()
        self._inline_since[me] = time.monotonic()
        try:
            with self._gate.read():
                if self._remote:
                    handle = self._remote()
                    if handle is None:
                        raise NotIngestedError("nothing ingested yet — run `kg ingest` first")
                    return run(handle, p)
                return run(self._local_store(self.store_path()), p)
        finally:
            del self._inline_since[me]

    def run_pooled(self, p: Prepared) -> Outcome:
        """Run any query in a worker process, killed after the timeout."""
        with self._gate.read():
            return self.pool.run(self.store_path(), p, self.settings.timeout_s)

    def execute(self, p: Prepared) -> Outcome:
        """Run a prepared query where `inline` says (for Python callers: no thread hop)."""
        return self.run_inline(p) if self.inline(p) else self.run_pooled(p)

    def query(self, query: str, **kw) -> Outcome:
        """Prepare and execute in one call (for Python callers and benchmarks)."""
        return self.execute(self.prepare(query, **kw))

    # -- updates -------------------------------------------------------------------------
    def check_token(self, authorization: str | None) -> None:
        """Accept only `Authorization: Bearer <settings.sparql.update_token>`."""
        expected = self.settings.update_token
        if not expected:
            raise UnauthorizedError(
                "this endpoint is read-only: set KG_SPARQL__UPDATE_TOKEN to enable SPARQL Update"
            )
        scheme, _, given = (authorization or "").partition(" ")
        ok = hmac.compare_digest(given.strip().encode(), expected.encode())
        if scheme.lower() != "bearer" or not ok:
            raise UnauthorizedError("SPARQL Update needs `Authorization: Bearer <token>`")

    def update(self, text: str, authorization: str | None) -> None:
        """Apply a SPARQL Update to the current generation, in place (token required).

        Queries pause while it writes; afterwards every read-only handle is reopened.
        """
        self.check_token(authorization)
        check_update(text)
        if self._remote:
            raise ForbiddenQueryError(
                f"this KB's RDF lives on the SPARQL server {self.settings.remote_url}: send "
                "updates to it directly (and re-ingest to bring the KB folder back)"
            )
        with self._gate.write(self.settings.timeout_s):
            path = self.store_path()
            with self._local_lock:
                self._local = None
            self.pool.restart()
            store = ox.Store(path)
            try:
                store.update(text, prefixes=PREFIXES)
                store.flush()
            except SyntaxError as exc:
                raise parse_error(exc) from exc
            except (RuntimeError, ValueError, OSError) as exc:
                raise QueryError(f"update failed: {exc}") from exc
            finally:
                del store
                self._fan.pop(path, None)  # the fan-outs may have grown: measure again
                self._bounds.clear()

    def close(self) -> None:
        """Stop the worker processes."""
        self.pool.close()
