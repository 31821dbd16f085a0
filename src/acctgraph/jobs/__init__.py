"""The job engine: a Huey queue (``ACCTGRAPH_QUEUE_URL``), the jobs registered on it, their schedules
and the records of their runs. ``acctgraph worker`` consumes the queue; ``registry.job`` adds a job.

Modules: ``registry`` (the ``@job`` decorator), ``schedules`` (cron or interval), ``queue`` (the Huey
instance for a queue URL), ``postgres_storage`` (Huey's storage in PostgreSQL), ``runs`` (enqueue and
record), ``tick`` (due schedules, heartbeats, recovery of a dead worker's runs), ``builtin`` (syncs and
the daily jobs), ``worker`` (the consumer process), ``reads`` (what ``jobs list`` and GraphQL show).
"""
