"""Team effectiveness: per account manager under a manager, what a director of account management reviews.

Strategic accounts are as :func:`acctgraph.domain.account_facts.strategic_account_ids` defines them (the
one definition); a meaningful touch is a call, a meeting or a QBR.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from acctgraph.domain.account_facts import account_mrr, strategic_account_ids
from acctgraph.domain.revenue.accuracy import NoForecastSnapshot, forecast_accuracy
from acctgraph.domain.revenue.alerts import AlertFigures, alert_figures_by_owner
from acctgraph.domain.revenue.movements import MrrMovements, load_mrr_history, ratio
from acctgraph.domain.revenue.period import Period
from acctgraph.domain.revenue.renewal_rates import RenewalDue, RenewalRates, renewals_due
from acctgraph.domain.revenue.scope import (
    Scope,
    account_ids,
    accounts_ever_held,
    owner_ids,
    owners_by_day,
    require_user,
    team_members,
)
from acctgraph.models import Account, Activity, ActivityKind, ActivityStatus, LifecycleStage, Role, User

MEANINGFUL_TOUCHES = (ActivityKind.CALL, ActivityKind.MEETING, ActivityKind.QBR)
QBR_WINDOW_DAYS = 90
TOUCH_WINDOWS = (30, 90)


@dataclass(frozen=True)
class AccountManagerMetrics:
    user_id: int
    name: str
    account_count: int
    arr_minor: int
    strategic_accounts: int
    strategic_with_recent_qbr: int
    untouched: dict[int, int]
    """Accounts not churned without a meaningful touch in the last 30 and 90 days."""
    nrr: float | None
    grr: float | None
    renewals: RenewalRates
    forecast_accuracy: float | None
    open_alerts: int
    median_days_to_resolve: float | None
    """Over the alerts on their accounts resolved in the period."""

    @property
    def qbr_coverage(self) -> float | None:
        """Strategic accounts with a QBR in the last 90 days / strategic accounts."""
        return ratio(self.strategic_with_recent_qbr, self.strategic_accounts)


@dataclass(frozen=True)
class _AccountFacts:
    owner_id: int
    arr_minor: int
    churned: bool
    strategic: bool
    last_qbr: datetime | None
    last_touch: datetime | None


def team_metrics(
    session: Session, manager_id: int, period: Period, today: date, reporting_currency: str, strategic_mrr_minor: int
) -> list[AccountManagerMetrics]:
    """One row per member of the manager's team (recursively) who owns accounts or is an account manager.

    Today's book (accounts, ARR, strategic, untouched) by today's owner; the period's NRR, GRR, renewals,
    forecast accuracy and alerts by the owner at the time (:mod:`acctgraph.domain.revenue.scope`).
    """
    require_user(session, manager_id)
    scope = Scope.team(manager_id)
    accounts = account_ids(scope)
    facts = _account_facts(session, accounts, today, reporting_currency, strategic_mrr_minor)
    owned: dict[int, set[int]] = defaultdict(set)
    for account_id, fact in facts.items():
        owned[fact.owner_id].add(account_id)
    through = period.measured_through(today)
    members = owner_ids(scope)
    assert members is not None
    history_accounts = accounts_ever_held(members)
    days = [period.opening_day, through]
    history = load_mrr_history(session, days, history_accounts, reporting_currency, today)
    owners = owners_by_day(session, days, history_accounts)
    paying = history.converted[period.opening_day].keys()
    renewals: dict[int | None, list[RenewalDue]] = defaultdict(list)
    for renewal in renewals_due(session, period, accounts, history.rates, members):
        renewals[renewal.owner_id].append(renewal)
    accuracy = _forecast_accuracy(session, period, scope, reporting_currency)
    alerts = alert_figures_by_owner(session, members, period)
    now = datetime.combine(today, time.max, tzinfo=UTC)
    return [
        _member_metrics(
            user,
            [facts[account_id] for account_id in owned[user.id]],
            history.movements(period, through, accounts=owners.held(period.opening_day, through, paying, {user.id})),
            RenewalRates.of(renewals[user.id]),
            accuracy.get(user.id),
            alerts.get(user.id, AlertFigures()),
            now,
        )
        for user in _members(session, manager_id, list(owned))
    ]


def _member_metrics(
    user: User,
    accounts: list[_AccountFacts],
    movements: MrrMovements,
    renewals: RenewalRates,
    forecast_accuracy: float | None,
    alerts: AlertFigures,
    now: datetime,
) -> AccountManagerMetrics:
    strategic = [fact for fact in accounts if fact.strategic]
    return AccountManagerMetrics(
        user_id=user.id,
        name=user.name,
        account_count=len(accounts),
        arr_minor=sum(fact.arr_minor for fact in accounts),
        strategic_accounts=len(strategic),
        strategic_with_recent_qbr=sum(1 for fact in strategic if _within(fact.last_qbr, now, QBR_WINDOW_DAYS)),
        untouched={
            days: sum(1 for fact in accounts if not fact.churned and not _within(fact.last_touch, now, days))
            for days in TOUCH_WINDOWS
        },
        nrr=movements.nrr,
        grr=movements.grr,
        renewals=renewals,
        forecast_accuracy=forecast_accuracy,
        open_alerts=alerts.open_count,
        median_days_to_resolve=alerts.median_days_to_resolve,
    )


def _within(moment: datetime | None, now: datetime, days: int) -> bool:
    return moment is not None and moment > now - timedelta(days=days)


def _members(session: Session, manager_id: int, owner_ids: Collection[int]) -> list[User]:
    team = team_members(manager_id)
    query = (
        select(User)
        .where(User.id.in_(select(team.c.user_id)))
        .where(User.id.in_(owner_ids) | (User.role == Role.ACCOUNT_MANAGER))
        .order_by(User.name, User.id)
    )
    return list(session.scalars(query))


def _forecast_accuracy(session: Session, period: Period, scope: Scope, currency: str) -> dict[int, float | None]:
    try:
        return {row.owner_id: row.accuracy for row in forecast_accuracy(session, period, scope, currency)}
    except NoForecastSnapshot:
        return {}


def _last_activity(kinds: tuple[ActivityKind, ...], name: str) -> Select[int, datetime]:
    """When each account last had one of ``kinds`` actually held: a QBR still scheduled does not count."""
    return (
        select(Activity.account_id, func.max(Activity.occurred_at).label(name))
        .where(Activity.kind.in_(kinds), Activity.status == ActivityStatus.DONE, Activity.deleted_at.is_(None))
        .group_by(Activity.account_id)
    )


def _account_facts(
    session: Session, accounts: Select[int], today: date, currency: str, strategic_mrr_minor: int
) -> dict[int, _AccountFacts]:
    """Owner, ARR today, strategic or not, last QBR and last meaningful touch of each account."""
    mrr = account_mrr(session, accounts, today, currency)
    strategic = strategic_account_ids(session, accounts, today, currency, strategic_mrr_minor)
    last_qbr = _last_activity((ActivityKind.QBR,), "last_qbr").subquery()
    last_touch = _last_activity(MEANINGFUL_TOUCHES, "last_touch").subquery()
    query = (
        select(Account.id, Account.owner_id, Account.lifecycle_stage, last_qbr.c.last_qbr, last_touch.c.last_touch)
        .outerjoin(last_qbr, last_qbr.c.account_id == Account.id)
        .outerjoin(last_touch, last_touch.c.account_id == Account.id)
        .where(Account.id.in_(accounts))
    )
    return {
        account_id: _AccountFacts(
            owner_id,
            12 * mrr.get(account_id, 0),
            stage is LifecycleStage.CHURNED,
            account_id in strategic,
            qbr,
            touch,
        )
        for account_id, owner_id, stage, qbr, touch in session.execute(query)
    }
