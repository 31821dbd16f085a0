"""The Huey instance for ``ACCTGRAPH_QUEUE_URL``, with every registered job as a Huey task.

``sqlite:///file`` is Huey's ``SqliteHuey`` (embedded, persistent; one machine), ``postgresql://...``
our :class:`PostgresStorage` (the same PostgreSQL, shared by workers anywhere), ``redis://...``
Huey's ``RedisHuey``. Unset, the queue sits beside the database: ``acctgraph.queue.db`` next to
``acctgraph.db``, or the same PostgreSQL database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from huey import Huey, RedisHuey, SqliteHuey
from huey.api import Task, TaskWrapper
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from acctgraph.jobs.postgres_storage import PostgresStorage
from acctgraph.jobs.registry import JobDefinition, registered_jobs

if TYPE_CHECKING:
    from acctgraph.settings import Settings

QUEUE_NAME = "acctgraph"
RETRY_BACKOFF = 2.0
"""Each retry waits this many times longer than the one before."""


class QueueConfigError(Exception):
    """``ACCTGRAPH_QUEUE_URL`` names no queue acctgraph can use; the message says what to set."""


def queue_url(settings: Settings) -> str:
    """The queue's URL: the setting, or beside the database when it is unset."""
    if settings.queue_url:
        return settings.queue_url
    database = make_url(settings.database_url)
    if database.get_backend_name() != "sqlite":
        return settings.database_url
    path = database.database or ""
    if not path or path == ":memory:":
        return "sqlite:///acctgraph.queue.db"
    return f"sqlite:///{Path(path).with_suffix('.queue.db')}"


def create_huey(url: str) -> Huey:
    """A Huey instance (no tasks yet) on the queue at ``url``."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise QueueConfigError(f"ACCTGRAPH_QUEUE_URL={url!r} is not a URL; {EXAMPLES}") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise QueueConfigError(f"the queue needs a file: {EXAMPLES}")
        return SqliteHuey(QUEUE_NAME, filename=parsed.database, results=False, utc=True)
    if backend in ("postgresql", "postgres"):
        conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        return Huey(QUEUE_NAME, results=False, utc=True, storage_class=PostgresStorage, conninfo=conninfo)
    if backend in ("redis", "rediss"):
        return RedisHuey(QUEUE_NAME, url=url, results=False, utc=True)
    raise QueueConfigError(f"ACCTGRAPH_QUEUE_URL uses {backend!r}; {EXAMPLES}")


EXAMPLES = "set ACCTGRAPH_QUEUE_URL to sqlite:///acctgraph.queue.db, postgresql://user@host/db or redis://host:6379/0"


@dataclass
class JobQueue:
    """A Huey instance and the task registered on it for each job name."""

    url: str
    huey: Huey
    tasks: dict[str, TaskWrapper]
    settings: Settings

    def task(self, name: str, params: dict[str, Any]) -> Task:
        """A task of job ``name`` (not enqueued yet): its ``id`` can be recorded before it is sent."""
        if name not in self.tasks:
            jobs = registered_jobs()
            if name not in jobs:
                raise KeyError(f"no job named {name!r}; jobs: {', '.join(sorted(jobs))}")
            self.tasks[name] = _register(self.huey, jobs[name], self.settings)
        return self.tasks[name].s(params)

    def enqueue(self, task: Task) -> None:
        self.huey.enqueue(task)

    def depth(self) -> int:
        """Tasks waiting in the queue, and those waiting for their retry's time."""
        return int(self.huey.pending_count()) + int(self.huey.scheduled_count())


_QUEUES: dict[str, JobQueue] = {}


def job_queue(settings: Settings) -> JobQueue:
    """The process's queue for these settings, its tasks registered; built on first use, then reused."""
    key = settings.model_dump_json()
    if key not in _QUEUES:
        url = queue_url(settings)
        huey = create_huey(url)
        tasks = {name: _register(huey, definition, settings) for name, definition in registered_jobs().items()}
        _QUEUES[key] = JobQueue(url, huey, tasks, settings)
    return _QUEUES[key]


def _register(huey: Huey, definition: JobDefinition, settings: Settings) -> TaskWrapper:
    from acctgraph.jobs.runs import execute

    retries = settings.job_retries if definition.retries is None else definition.retries
    delay = settings.job_retry_delay_seconds if definition.retry_delay is None else definition.retry_delay

    def run_job(params: dict[str, Any], task: Task | None = None) -> None:
        execute(settings, definition, task, params)

    run_job.__name__ = definition.name
    wrapper: TaskWrapper = huey.task(
        retries=retries, retry_delay=delay, retry_backoff=RETRY_BACKOFF, context=True, name=definition.name
    )(run_job)
    return wrapper
