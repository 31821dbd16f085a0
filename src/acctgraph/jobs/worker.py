"""The worker process: Huey's consumer with N threads, and a ticker thread (heartbeat, recovery, due
schedules). Any number of worker processes may share one PostgreSQL or Redis queue."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from acctgraph.integration.plugins import started_plugin_manager
from acctgraph.jobs.queue import job_queue
from acctgraph.jobs.runs import database_engine
from acctgraph.jobs.tick import ensure_periodic_schedules, sign_off, tick

if TYPE_CHECKING:
    from acctgraph.settings import Settings

logger = logging.getLogger("acctgraph.jobs")


def run_worker(settings: Settings, workers: int = 1) -> None:
    """Consume the queue until SIGINT/SIGTERM (a graceful stop lets running jobs finish)."""
    queue = job_queue(settings)
    engine = database_engine(settings.database_url)
    started_plugin_manager(settings)
    ensure_periodic_schedules(settings, engine)
    stop = threading.Event()
    ticker = threading.Thread(target=_tick_until, args=(settings, workers, stop), name="acctgraph-tick", daemon=True)
    consumer = queue.huey.create_consumer(
        workers=workers, worker_type="thread", periodic=False, initial_delay=0.05, backoff=1.15, max_delay=0.5
    )
    logger.info("worker on %s with %d thread(s)", queue.url.split("@")[-1], workers)
    ticker.start()
    try:
        consumer.run()
    finally:
        stop.set()
        ticker.join(timeout=5)
        sign_off(engine)


def _tick_until(settings: Settings, workers: int, stop: threading.Event) -> None:
    engine = database_engine(settings.database_url)
    while not stop.is_set():
        try:
            for run in tick(settings, engine, workers):
                logger.info("enqueued %s (run %d)", run.job, run.id)
        except Exception:  # a database hiccup must not stop the ticking
            logger.exception("tick failed; trying again in %ss", settings.job_tick_seconds)
        stop.wait(settings.job_tick_seconds)


def run_queued_jobs(settings: Settings, limit: int = 1000) -> int:
    """Run, in this process and thread, the tasks waiting in the queue until none is left (at most
    ``limit``); retries wait in the queue's schedule for a later run. Returns how many ran."""
    queue = job_queue(settings)
    started_plugin_manager(settings)
    done = 0
    while done < limit and (task := queue.huey.dequeue()) is not None:
        try:
            queue.huey.execute(task)
        except Exception:  # recorded on its run; a retry was scheduled if it has any left
            logger.exception("job %s failed", task.name)
        done += 1
    return done
