"""Reading review pages on the machine's other cores while Scrapy keeps fetching.

Scrapy runs on one core: every millisecond spent reading a page is a millisecond not spent
fetching. A crawl that may reach more than ``INLINE_PAGES`` pages hands its pages to worker
processes (``EARFUL_CRAWL_PARSE_WORKERS``; default one per spare core, up to four), started
with its first page; until one is ready, and in small crawls, pages are read inline.

The workers talk to the crawl over plain pipes watched by the crawl's own event loop; no
helper threads (a ProcessPoolExecutor's two threads fight the reactor for the GIL and cost
more than the parsing they save). A worker that dies takes the pool down with it and the
crawl reads its pages inline from then on, including those the worker had not answered.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import pickle
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from typing import Any

from crawlers.reviews.page import PageResult, ReviewPageReader

logger = logging.getLogger(__name__)

INLINE_PAGES = 40  # pages read inline before workers are started
MAX_AUTO_WORKERS = 4
# Pages sent ahead to a worker: enough that it never waits for the crawl, few enough (in bytes)
# that the pipe never fills, since a full pipe would block the crawl. One is always allowed.
IN_FLIGHT_PAGES = 8
IN_FLIGHT_BYTES = 48 * 1024
LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"  # Scrapy's, which collectors parse
LOG_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
_READY = b"ready"

Job = tuple[str, bytes, str, str]  # url, body, encoding, origin


def auto_workers() -> int:
    """One worker per core beyond the one Scrapy runs on, at most MAX_AUTO_WORKERS."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(0, min(cores - 1, MAX_AUTO_WORKERS))


def workers_setting(value: object) -> int | None:
    """``EARFUL_PARSE_WORKERS`` as Scrapy hands it over: a count, or None for "auto"."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "auto")):
        return None
    try:
        return max(0, int(str(value)))
    except ValueError:
        logger.warning("EARFUL_PARSE_WORKERS=%r is not a number or 'auto'; using auto", value)
        return None


def log_level(value: object) -> int:
    """Scrapy's LOG_LEVEL ("INFO", 20, ...) as a number; INFO when it cannot be read."""
    if isinstance(value, int):
        return value
    level = logging.getLevelName(str(value or "INFO").upper())
    return level if isinstance(level, int) else logging.INFO


def serve(connection: Connection, reader: ReviewPageReader, level: int) -> None:
    """A worker: reads the pages it is sent until the pipe closes."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT, LOG_DATE_FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    connection.send_bytes(_READY)
    while True:
        try:
            message = connection.recv_bytes()
        except (EOFError, OSError):
            return
        number, job = pickle.loads(message)
        answer = (number, reader.read(*job).to_wire())
        connection.send_bytes(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))


def _boot_forkserver() -> None:
    try:
        forkserver.set_forkserver_preload([__name__])
        forkserver.ensure_running()
    except (OSError, RuntimeError, ValueError) as exc:  # the pool's own start reports failures
        logger.debug("forkserver did not boot early: %s", exc)


@dataclass
class _Worker:
    process: Any
    connection: Connection
    ready: bool = False
    waiting: dict[int, tuple[Job, asyncio.Future[PageResult]]] = field(default_factory=dict)
    bytes_sent: int = 0  # bodies sent and not yet answered
    attached: bool = False  # its pipe is watched by the crawl's loop

    def can_take(self, size: int) -> bool:
        if not self.ready or len(self.waiting) >= IN_FLIGHT_PAGES:
            return False
        return not self.waiting or self.bytes_sent + size <= IN_FLIGHT_BYTES


class ParsePool:
    """``await pool.read(...)``: inline for small crawls, in worker processes for large ones."""

    def __init__(self, reader: ReviewPageReader, workers: int | None = None, *, expected_pages: int = 0,
                 inline_pages: int = INLINE_PAGES, log_level: int = logging.INFO) -> None:
        """``expected_pages``: how many pages the crawl may reach; above ``inline_pages`` the
        workers start with the first page, otherwise only once ``inline_pages`` were read."""
        self.reader = reader
        self.workers = auto_workers() if workers is None else workers
        self.inline_pages = 0 if expected_pages > inline_pages else inline_pages
        self.log_level = log_level
        self.read_inline = 0
        self.read_in_workers = 0
        self._pool: list[_Worker] = []
        self._queue: deque[tuple[Job, asyncio.Future[PageResult]]] = deque()
        self._numbers = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._starter: threading.Thread | None = None
        self._lock = threading.Lock()
        self._spawned: list[tuple[Any, Connection]] = []  # every process started, attached or not
        self._closed = False

    async def read(self, url: str, body: bytes, encoding: str, origin: str) -> PageResult:
        job: Job = (url, body, encoding, origin)
        if self.workers <= 0 or (self._starter is None and self.read_inline < self.inline_pages):
            return self._inline(job)
        if self._starter is None:
            self._start(asyncio.get_running_loop())
        if not any(w.ready for w in self._pool) and not self._queue:
            return self._inline(job)  # workers still starting: the crawl does not wait for them
        future: asyncio.Future[PageResult] = asyncio.get_running_loop().create_future()
        self._queue.append((job, future))
        self._dispatch()
        return await future

    @property
    def _starts_with_workers(self) -> bool:
        """A crawl large enough to use workers from its first page, whose workers are not started yet."""
        return self.workers > 0 and self.inline_pages == 0 and self._starter is None

    def warm_up(self) -> None:
        """Boots the worker processes' server (a forkserver importing the page reader, ≈ 0.4 s)
        in a thread while Scrapy is still starting, if this crawl is large enough to use workers."""
        if self._starts_with_workers:
            threading.Thread(target=_boot_forkserver, daemon=True, name="earful-page-reader-boot").start()

    def start_early(self) -> None:
        """Starts the workers now (call it from the crawl's loop before the first page arrives)
        if this crawl is large enough to use them: they boot while Scrapy starts and fetches
        robots.txt, so fewer pages are read inline meanwhile."""
        if self._starts_with_workers:
            self._start(asyncio.get_running_loop())

    def _inline(self, job: Job) -> PageResult:
        self.read_inline += 1
        return self.reader.read(*job)

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Starts the workers from a short-lived thread: the first start of a forkserver waits
        ≈ 0.7 s for it to import the reader's modules, and the crawl must not stop for that."""
        self._loop = loop
        self._starter = threading.Thread(target=self._spawn, args=(loop,), daemon=True,
                                         name="earful-page-reader-start")
        self._starter.start()

    def _spawn(self, loop: asyncio.AbstractEventLoop) -> None:
        """In the starter thread: one process and pipe per worker, handed to the loop to attach."""
        # forkserver: a worker inherits none of the crawl's reactor, sockets or threads.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])  # workers start with the reader's modules imported
        try:
            for _ in range(self.workers):
                if self._closed:
                    return
                ours, theirs = context.Pipe()
                process = context.Process(target=serve, args=(theirs, self.reader, self.log_level), daemon=True,
                                          name="earful-page-reader")
                with self._lock:
                    self._spawned.append((process, ours))
                process.start()
                theirs.close()
                loop.call_soon_threadsafe(self._attach, _Worker(process, ours))
        except (OSError, pickle.PicklingError, RuntimeError) as exc:
            why = f"could not start page reader processes ({type(exc).__name__}: {exc})"
            try:
                loop.call_soon_threadsafe(self._fail, why)
            except RuntimeError:  # the crawl's loop is gone: close() stops what was started
                logger.warning("%s: %s", self.reader.source.name, why)
            return
        logger.info("%s: reading pages in %d worker process(es)", self.reader.source.name, self.workers)

    def _attach(self, worker: _Worker) -> None:
        if self._closed or self.workers <= 0:  # closed or failed meanwhile: close() stops it
            return
        assert self._loop is not None
        self._loop.add_reader(worker.connection.fileno(), self._receive, worker)
        worker.attached = True
        self._pool.append(worker)

    async def wait_for_workers(self, timeout: float = 60.0) -> bool:
        """Waits until every worker is ready to take pages (for callers that prefer waiting to
        reading inline, such as tests); False if they are not ready within ``timeout`` seconds."""
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self._pool) < self.workers or not all(w.ready for w in self._pool):
            if self.workers <= 0 or asyncio.get_running_loop().time() > deadline:
                return False
            await asyncio.sleep(0.02)
        return True

    def _dispatch(self) -> None:
        for worker in self._pool:
            while self._queue and worker.can_take(len(self._queue[0][0][1])):
                job, future = self._queue.popleft()
                self._numbers += 1
                try:
                    worker.connection.send_bytes(pickle.dumps((self._numbers, job), protocol=pickle.HIGHEST_PROTOCOL))
                except (OSError, ValueError) as exc:
                    self._queue.appendleft((job, future))
                    self._fail(f"a page reader process stopped taking pages ({type(exc).__name__}: {exc})")
                    return
                worker.waiting[self._numbers] = (job, future)
                worker.bytes_sent += len(job[1])

    def _receive(self, worker: _Worker) -> None:
        try:
            message = worker.connection.recv_bytes()
        except (EOFError, OSError) as exc:
            self._fail(f"a page reader process ended unexpectedly ({type(exc).__name__})")
            return
        if message == _READY:
            worker.ready = True
        else:
            number, wire = pickle.loads(message)
            result = PageResult.from_wire(wire)
            job, future = worker.waiting.pop(number)
            worker.bytes_sent -= len(job[1])
            self.read_in_workers += 1
            if not future.done():
                future.set_result(result)
        self._dispatch()

    def _fail(self, why: str) -> None:
        """Stops the workers; every page still waiting for one is read inline."""
        logger.warning("%s: %s; reading pages in the crawl process from now on", self.reader.source.name, why)
        self.workers = 0
        pending = [entry for worker in self._pool for entry in worker.waiting.values()] + list(self._queue)
        self._queue.clear()
        self.close()
        for job, future in pending:
            if not future.done():
                future.set_result(self._inline(job))

    def close(self) -> None:
        """Stops every worker started, including any the starter thread is still starting."""
        self._closed = True
        if self._starter is not None and self._starter is not threading.current_thread():
            self._starter.join(timeout=30)
        with self._lock:
            spawned, self._spawned = self._spawned, []
        attached = {id(worker.connection) for worker in self._pool if worker.attached}
        for process, connection in spawned:
            if id(connection) in attached and self._loop is not None and not connection.closed:
                self._loop.remove_reader(connection.fileno())
            connection.close()
            if process.pid is None:  # its start failed
                continue
            process.join(timeout=2)
            if process.is_alive():
                process.kill()
        self._pool.clear()
