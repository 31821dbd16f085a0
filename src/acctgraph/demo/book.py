"""The whole demo book, planned in memory (except daily usage, produced while loading): pure and
deterministic for a seed and a day."""

from __future__ import annotations

from datetime import UTC, date, datetime

from acctgraph.demo.accounts import MAX_ACCOUNTS, account_row, domain_rows, plan_profiles
from acctgraph.demo.billing import invoice_rows
from acctgraph.demo.catalog import exchange_rate_rows, product_rows
from acctgraph.demo.contracts import contract_rows
from acctgraph.demo.engagement import activity_rows
from acctgraph.demo.pipeline import opportunity_rows
from acctgraph.demo.plan import BookPlan, PlannedRow, Window
from acctgraph.demo.renewal_desk import add_cancellation_reasons, add_renewal_details, quota_rows
from acctgraph.demo.stakeholders import plan_stakeholders
from acctgraph.demo.story import tell_story
from acctgraph.demo.support import ticket_rows
from acctgraph.demo.surveys import nps_rows
from acctgraph.demo.tasks import AccountRows, task_rows
from acctgraph.demo.team import plan_team
from acctgraph.demo.usage import usage_rows
from acctgraph.domain.tasks.playbook_config import load_playbooks

DEFAULT_ACCOUNTS = 500
DEFAULT_SEED = 20240501
MIN_ACCOUNTS = 10
LOAD_ORDER = (
    "users",
    "products",
    "accounts",
    "account_domains",
    "contacts",
    "contracts",
    "contract_lines",
    "opportunities",
    "opportunity_field_changes",
    "quotas",
    "activities",
    "activity_attendees",
    "invoices",
    "support_tickets",
    "nps_responses",
    "playbook_runs",
    "tasks",
    "usage_metrics",
    "exchange_rates",
)


def plan_book(
    accounts: int = DEFAULT_ACCOUNTS,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    reporting_currency: str = "USD",
) -> BookPlan:
    """The book of ``accounts`` accounts, its two years ending the day before ``today`` (default: today, UTC)."""
    if not MIN_ACCOUNTS <= accounts <= MAX_ACCOUNTS:
        raise ValueError(f"the demo book holds {MIN_ACCOUNTS} to {MAX_ACCOUNTS} accounts, not {accounts}")
    window = Window(today or datetime.now(UTC).date())
    team = plan_team(seed)
    stories = [
        tell_story(profile, seed, window) for profile in plan_profiles(accounts, seed, window, team.account_managers)
    ]
    playbooks = load_playbooks()
    rows: dict[str, list[PlannedRow]] = {table: [] for table in LOAD_ORDER}
    rows["users"] += team.rows
    rows["products"] += product_rows()
    for story in stories:
        people, contacts = plan_stakeholders(story, seed)
        contracts, lines = contract_rows(story.profile, story.history)
        add_cancellation_reasons(story, contracts, seed)
        activities, attendees = activity_rows(story, people, seed)
        opportunities = opportunity_rows(story, seed)
        rows["opportunity_field_changes"] += add_renewal_details(story, opportunities, seed)
        rows["accounts"].append(account_row(story.profile, story.lifecycle_stage()))
        rows["account_domains"] += domain_rows(story.profile)
        rows["contacts"] += contacts
        rows["contracts"] += contracts
        rows["contract_lines"] += lines
        rows["opportunities"] += opportunities
        rows["activities"] += activities
        rows["activity_attendees"] += attendees
        rows["invoices"] += invoice_rows(story, seed)
        rows["support_tickets"] += ticket_rows(story, people, seed)
        responses = nps_rows(story, people, seed)
        rows["nps_responses"] += responses
        runs, tasks = task_rows(
            story,
            AccountRows(activities, opportunities, responses),
            playbooks,
            team.manager_of(story.profile.owner),
            seed,
        )
        rows["playbook_runs"] += runs
        rows["tasks"] += tasks
    rows["quotas"] += quota_rows(team, rows["opportunities"], window.today, seed)
    rows["exchange_rates"] += exchange_rate_rows(reporting_currency)
    return BookPlan(seed, window.today, {**rows, "usage_metrics": usage_rows(stories, seed)})
