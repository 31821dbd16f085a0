"""Schedules as people write them: an interval (``30s``, ``15m``, ``1h``, ``1d``, ``hourly``, ``daily``)
or a five-field cron expression (``0 2 * * *``, read by cronsim), always in UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cronsim import CronSim, CronSimError

INTERVAL = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
NAMED = {"hourly": "1h", "daily": "1d", "weekly": "7d"}
SHORTEST = timedelta(seconds=10)


class ScheduleError(ValueError):
    """A schedule that is neither an interval nor a cron expression; the message says how to write one."""


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule: ``next_after`` gives the first run time strictly after a moment."""

    text: str
    interval: timedelta | None

    def next_after(self, moment: datetime) -> datetime:
        if self.interval is not None:
            return moment + self.interval
        return next(CronSim(self.text, moment.astimezone(UTC).replace(tzinfo=None))).replace(tzinfo=UTC)


def parse_schedule(text: str) -> Schedule:
    """Read ``text`` as an interval or a cron expression, or raise :class:`ScheduleError`."""
    cleaned = " ".join(text.strip().lower().split())
    cleaned = NAMED.get(cleaned, cleaned)
    if match := INTERVAL.match(cleaned):
        interval = timedelta(**{UNITS[match[2]]: int(match[1])})
        if interval < SHORTEST:
            raise ScheduleError(f"schedule {text!r} is shorter than {SHORTEST.seconds}s; use e.g. 15m or 1h")
        return Schedule(cleaned, interval)
    try:
        CronSim(cleaned, datetime(2000, 1, 1))
    except CronSimError as error:
        raise ScheduleError(
            f"schedule {text!r} is neither an interval (30s, 15m, 1h, 1d, hourly, daily) nor a cron "
            f"expression like '0 2 * * *' ({error})"
        ) from None
    return Schedule(cleaned, None)
