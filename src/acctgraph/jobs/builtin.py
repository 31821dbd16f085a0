"""The built-in jobs: a connection's sync, and the daily jobs that once needed cron (health, alerts and
their auto-resolution, renewal opportunities, forecast snapshots, dated transfers, the accounts list's
read model brought to the day), and the CRM write-back outbox.

Each calls the same domain function as its CLI command. Default schedules are in UTC and can be
changed with ``ACCTGRAPH_JOB_SCHEDULES``; a periodic job also runs as soon as its schedule is created.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from acctgraph.db import sync_sessionmaker
from acctgraph.domain.accounts import apply_due_transfers
from acctgraph.domain.alerts.evaluate import evaluate_alerts
from acctgraph.domain.health.compute import compute_health
from acctgraph.domain.health.scorecard import ScorecardError
from acctgraph.domain.health.service import configured_health
from acctgraph.domain.read_model import refresh_account_summaries, summarise_as_of
from acctgraph.domain.revenue.accuracy import snapshot_forecast
from acctgraph.domain.revenue.money import MissingExchangeRate
from acctgraph.domain.revenue.period import Granularity, Period
from acctgraph.domain.revenue.renewals import create_renewal_opportunities
from acctgraph.domain.tasks.playbook_config import PlaybookConfigError, load_playbooks
from acctgraph.domain.tasks.playbooks import run_playbooks
from acctgraph.integration.connections import ConnectionSetupError
from acctgraph.integration.engine import SyncOptions, run_sync
from acctgraph.integration.locks import SyncLockedError
from acctgraph.integration.writeback.delivery import deliver_pending_writebacks
from acctgraph.jobs.connection_schedules import SYNC_JOB
from acctgraph.jobs.registry import JobContext, JobSkipped, PermanentJobError, job
from acctgraph.models import Connection, SyncRequest, SyncRunStatus
from acctgraph.models.base import utcnow


def _today() -> date:
    return datetime.now(UTC).date()


@job(SYNC_JOB)
def sync_connection(
    context: JobContext,
    connection_id: int,
    streams: list[str] | None = None,
    full_refresh: bool = False,
    sync_request_id: int | None = None,
) -> str:
    """Sync a connection (on its schedule, or asked for with triggerSync); never two at once."""
    with sync_sessionmaker(context.engine)() as session:
        connection = session.get(Connection, connection_id)
        if connection is None:
            raise PermanentJobError(f"connection {connection_id} no longer exists")
        name = connection.name
        _claim_request(session, sync_request_id)
    options = SyncOptions(streams=streams or None, full_refresh=full_refresh)
    try:
        run = run_sync(
            context.engine,
            name,
            context.connectors,
            secret_key=context.settings.secret_key,
            options=options,
            hook=context.plugins.hook,
        )
    except SyncLockedError as error:
        _request_outcome(context, sync_request_id, None, str(error))
        raise JobSkipped(str(error)) from None
    except (ConnectionSetupError, KeyError) as error:
        message = str(error).strip("'\"")
        _request_outcome(context, sync_request_id, None, message)
        raise PermanentJobError(message) from None
    _request_outcome(context, sync_request_id, run.id, None)
    if run.status is SyncRunStatus.FAILED:
        raise RuntimeError(f"sync run {run.id} of {name!r} failed: {run.error}")
    return f"sync run {run.id} of {name!r}: {run.status.value}"


def _claim_request(session: Session, request_id: int | None) -> None:
    if request_id is not None and (request := session.get(SyncRequest, request_id)) is not None:
        request.claimed_at = request.claimed_at or utcnow()
        session.commit()


def _request_outcome(context: JobContext, request_id: int | None, sync_run_id: int | None, error: str | None) -> None:
    if request_id is None:
        return
    with sync_sessionmaker(context.engine)() as session:
        if (request := session.get(SyncRequest, request_id)) is not None:
            request.sync_run_id, request.error = sync_run_id, error
            session.commit()


def _health(context: JobContext) -> tuple[Any, Any]:
    try:
        return configured_health(context.settings, context.plugins)
    except ScorecardError as error:
        raise PermanentJobError(f"{error}. Fix the file named by ACCTGRAPH_SCORECARD_FILE.") from None


def _alerts_and_playbooks(context: JobContext, session: Session, day: date) -> str:
    config, _ = _health(context)
    raised = evaluate_alerts(session, config.alerts, day, context.plugins)
    try:
        playbooks = load_playbooks(context.settings.playbooks_file)
    except PlaybookConfigError as error:
        raise PermanentJobError(f"{error}. Fix the file named by ACCTGRAPH_PLAYBOOKS_FILE.") from None
    started = run_playbooks(session, playbooks, day).started
    session.commit()
    return f"{len(raised)} new alerts, {len(started)} playbook runs started"


@job("health-compute", schedule="0 2 * * *")
def health_compute(context: JobContext) -> str:
    """Score every account for today, then evaluate the alerts (as `acctgraph health compute`)."""
    config, catalogue = _health(context)
    day = _today()
    with sync_sessionmaker(context.engine)() as session:
        run = compute_health(session, config, catalogue, day)
        alerts = _alerts_and_playbooks(context, session, day)
    return f"health for {run.day}: {run.accounts} accounts scored; {alerts}"


@job("alerts-evaluate", schedule="30 * * * *")
def alerts_evaluate(context: JobContext) -> str:
    """Resolve the alerts whose condition cleared and raise new ones (as `acctgraph alerts evaluate`)."""
    with sync_sessionmaker(context.engine)() as session:
        return _alerts_and_playbooks(context, session, _today())


@job("renewals-create", schedule="0 3 * * *")
def renewals_create(context: JobContext) -> str:
    """Open a renewal opportunity for each contract ending soon (as `acctgraph renewals create`)."""
    day, lead_days = _today(), context.settings.renewal_lead_days
    with sync_sessionmaker(context.engine)() as session:
        created = create_renewal_opportunities(session, day, lead_days)
        session.commit()
    return f"opened {len(created)} renewal opportunities"


@job("forecast-snapshot", schedule="0 4 * * *")
def forecast_snapshot(context: JobContext) -> str:
    """Snapshot each owner's forecast of this quarter once (as `acctgraph forecast snapshot`)."""
    period = Period.containing(_today(), Granularity.QUARTER)
    with sync_sessionmaker(context.engine)() as session:
        try:
            created = snapshot_forecast(session, period, context.settings.reporting_currency, datetime.now(UTC))
        except MissingExchangeRate as error:
            raise PermanentJobError(str(error)) from None
        session.commit()
    return f"forecast of {period.label}: {created} owners snapshotted"


@job("apply-transfers", schedule="5 0 * * *")
def apply_transfers(context: JobContext) -> str:
    """Move the accounts whose dated transfer is due (as `acctgraph accounts apply-transfers`)."""
    with sync_sessionmaker(context.engine)() as session:
        applied = apply_due_transfers(session, _today())
        session.commit()
    return f"{len(applied)} transfers applied"


@job("refresh-summaries", schedule="10 0 * * *")
def refresh_summaries(context: JobContext) -> str:
    """Bring the accounts list's read model to today (as `acctgraph accounts refresh-summaries`)."""
    day, currency = _today(), context.settings.reporting_currency
    with sync_sessionmaker(context.engine)() as session:
        summarise_as_of(session, day, currency)
        written = refresh_account_summaries(session, day, currency)
        session.commit()
    return f"{written} account summaries written for {day} ({currency})"


@job("deliver-writebacks", schedule="1m", retries=0)
def deliver_writebacks(context: JobContext) -> str:
    """Write activities, QBRs and tasks back to their CRMs (as `acctgraph writeback deliver`)."""
    report = deliver_pending_writebacks(context.engine, context.settings)
    return (
        f"{report.delivered} written back, {report.retrying} to retry, {report.refused} refused, {report.failed} failed"
    )
