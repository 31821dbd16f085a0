"""Registering jobs: ``@job(name, schedule=...)`` on a function ``f(context, **params) -> str | None``.

A module of jobs is listed in ``TASK_MODULES`` (or appended to it before the queue is built); the
worker and every producer import them, so a job's name means the same function everywhere. A job with
a ``schedule`` is periodic: the worker keeps a ``job_schedules`` row for it, its schedule overridable
by ``ACCTGRAPH_JOB_SCHEDULES``. The function returns a one-line outcome; it raises
:class:`JobSkipped` when there was nothing it could do now (not retried), :class:`PermanentJobError`
when retrying cannot help, and any other exception to be retried with backoff.

    from acctgraph.jobs.registry import JobContext, job

    @job("deliver-webhooks", schedule="1m")
    def deliver_webhooks(context: JobContext, endpoint_id: int | None = None) -> str:
        ...
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from acctgraph.jobs.schedules import parse_schedule

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from acctgraph.integration.connections import Connectors
    from acctgraph.integration.plugins import AcctgraphPluginManager
    from acctgraph.settings import Settings

TASK_MODULES: list[str] = ["acctgraph.jobs.builtin", "acctgraph.notifications.jobs"]
"""Modules whose ``@job`` functions the queue registers; other packages append theirs."""


class JobSkipped(Exception):
    """The job had nothing it could do now (e.g. the connection is being synced already): not retried."""


class PermanentJobError(Exception):
    """Retrying cannot help (e.g. the connection was removed): the run is recorded failed at once."""


@dataclass
class JobContext:
    """What a running job may use: the settings, the database, the started plugin host, its run's id."""

    settings: Settings
    engine: Engine
    plugins: AcctgraphPluginManager
    run_id: int

    @cached_property
    def connectors(self) -> Connectors:
        from acctgraph.integration.connections import Connectors
        from acctgraph.integration.plugins import connector_classes

        return Connectors(connector_classes(self.plugins))


JobFunction = Callable[..., str | None]


@dataclass(frozen=True)
class JobDefinition:
    name: str
    function: JobFunction
    description: str
    schedule: str | None
    retries: int | None
    retry_delay: float | None

    def schedule_for(self, settings: Settings) -> str | None:
        """The schedule set in ``ACCTGRAPH_JOB_SCHEDULES`` for this job, else its default."""
        return settings.job_schedules.get(self.name, self.schedule)


JOBS: dict[str, JobDefinition] = {}


class DuplicateJobError(Exception):
    """Two functions are registered under one job name."""


def job(
    name: str, *, schedule: str | None = None, retries: int | None = None, retry_delay: float | None = None
) -> Callable[[JobFunction], JobFunction]:
    """Register the decorated function as job ``name``; ``retries``/``retry_delay`` default to the settings."""
    if schedule is not None:
        parse_schedule(schedule)

    def register(function: JobFunction) -> JobFunction:
        known = JOBS.get(name)
        if known is not None and known.function.__qualname__ != function.__qualname__:
            raise DuplicateJobError(
                f"two jobs are named {name!r}: {known.function.__module__} and {function.__module__}"
            )
        description = (function.__doc__ or name).strip().splitlines()[0]
        JOBS[name] = JobDefinition(name, function, description, schedule, retries, retry_delay)
        return function

    return register


def registered_jobs() -> dict[str, JobDefinition]:
    """Every job of ``TASK_MODULES``, by name (the modules imported on first call)."""
    for module in TASK_MODULES:
        importlib.import_module(module)
    return JOBS


def job_definition(name: str) -> JobDefinition:
    jobs = registered_jobs()
    if name not in jobs:
        raise KeyError(f"no job named {name!r}; jobs: {', '.join(sorted(jobs))}")
    return jobs[name]


def call_job(definition: JobDefinition, context: JobContext, params: dict[str, Any]) -> str | None:
    return definition.function(context, **params)
