"""The one factory of sample data the tests share: real rows in the real test database."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.domain.api_keys import create_api_key
from acctgraph.notifications.signing import generate_signing_key

TODAY = date.today()


class SampleData:
    """Creates valid rows with sensible defaults; every keyword overrides a column."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._serial = itertools.count(1)

    def _add(self, row: Any) -> Any:
        self.session.add(row)
        self.session.flush()
        return row

    def user(self, **fields: Any) -> m.User:
        n = next(self._serial)
        defaults = {"name": f"User {n}", "email": f"user{n}@example.com", "role": m.Role.ACCOUNT_MANAGER}
        return self._add(m.User(**{**defaults, **fields}))

    def account(self, domain: str | None = None, **fields: Any) -> m.Account:
        n = next(self._serial)
        defaults = {
            "name": f"Account {n:04d}",
            "segment": m.Segment.MID_MARKET,
            "lifecycle_stage": m.LifecycleStage.ACTIVE,
        }
        account = self._add(m.Account(**{**defaults, **fields}))
        self._add(m.AccountDomain(account_id=account.id, domain=domain or f"account{n}.example", is_primary=True))
        return account

    def contact(self, account: m.Account, **fields: Any) -> m.Contact:
        n = next(self._serial)
        defaults = {"name": f"Contact {n}", "email": f"contact{n}@example.com", "account_id": account.id}
        return self._add(m.Contact(**{**defaults, **fields}))

    def product(self, **fields: Any) -> m.Product:
        n = next(self._serial)
        return self._add(m.Product(**{"sku": f"SKU-{n}", "name": f"Product {n}", **fields}))

    def contract(
        self, account: m.Account, mrr_minor: int | None = None, product: m.Product | None = None, **fields: Any
    ) -> m.Contract:
        """An active contract running a year around today; ``mrr_minor`` adds one line of that MRR."""
        n = next(self._serial)
        defaults = {
            "account_id": account.id,
            "number": f"C-{n}",
            "status": m.ContractStatus.ACTIVE,
            "start_date": TODAY - timedelta(days=180),
            "end_date": TODAY + timedelta(days=185),
            "currency": "USD",
        }
        contract = self._add(m.Contract(**{**defaults, **fields}))
        if mrr_minor is not None:
            self.line(contract, product=product, unit_price_minor=mrr_minor)
        return contract

    def line(self, contract: m.Contract, product: m.Product | None = None, **fields: Any) -> m.ContractLine:
        product = product or self.product()
        defaults = {"contract_id": contract.id, "product_id": product.id, "quantity": 1, "unit_price_minor": 100_00}
        return self._add(m.ContractLine(**{**defaults, **fields}))

    def opportunity(self, account: m.Account, **fields: Any) -> m.Opportunity:
        n = next(self._serial)
        defaults = {
            "account_id": account.id,
            "name": f"Opportunity {n}",
            "kind": m.OpportunityKind.UPSELL,
            "stage": "qualification",
            "amount_minor": 10_000_00,
            "currency": "USD",
            "expected_close_date": TODAY + timedelta(days=30),
        }
        return self._add(m.Opportunity(**{**defaults, **fields}))

    def activity(self, account: m.Account, **fields: Any) -> m.Activity:
        n = next(self._serial)
        defaults = {
            "account_id": account.id,
            "kind": m.ActivityKind.CALL,
            "occurred_at": datetime.now(UTC) - timedelta(days=n % 30),
            "subject": f"Activity {n}",
        }
        return self._add(m.Activity(**{**defaults, **fields}))

    def invoice(self, account: m.Account, **fields: Any) -> m.Invoice:
        n = next(self._serial)
        defaults = {
            "account_id": account.id,
            "number": f"INV-{n}",
            "amount_minor": 1_000_00,
            "currency": "USD",
            "issued_on": TODAY - timedelta(days=30),
            "due_date": TODAY,
            "status": m.InvoiceStatus.OPEN,
        }
        return self._add(m.Invoice(**{**defaults, **fields}))

    def ticket(self, account: m.Account, **fields: Any) -> m.SupportTicket:
        n = next(self._serial)
        defaults = {
            "account_id": account.id,
            "subject": f"Ticket {n}",
            "opened_at": datetime.now(UTC) - timedelta(days=2),
        }
        return self._add(m.SupportTicket(**{**defaults, **fields}))

    def usage(self, account: m.Account, metric: str, day: date, value: float) -> m.UsageMetric:
        return self._add(m.UsageMetric(account_id=account.id, metric=metric, day=day, value=value))

    def nps(self, account: m.Account, score: int, **fields: Any) -> m.NpsResponse:
        defaults = {"account_id": account.id, "score": score, "responded_at": datetime.now(UTC) - timedelta(days=3)}
        return self._add(m.NpsResponse(**{**defaults, **fields}))

    def api_key(self, user: m.User, integration: bool = False, **fields: Any) -> str:
        """A key for ``user``; returns the token to send as ``Authorization: Bearer``."""
        key, token = create_api_key(self.session, user, fields.pop("name", "test key"), integration=integration)
        for name, value in fields.items():
            setattr(key, name, value)
        self.session.flush()
        return token

    def quote(self, account: m.Account, subtotal_minor: int = 1_000_00, **fields: Any) -> m.Quote:
        """A draft quote with one line of ``subtotal_minor``."""
        defaults = {"account_id": account.id, "title": "Renewal quote", "currency": "USD"}
        quote = self._add(
            m.Quote(**{**defaults, "subtotal_minor": subtotal_minor, "total_minor": subtotal_minor, **fields})
        )
        self._add(
            m.QuoteLine(
                quote_id=quote.id,
                account_id=account.id,
                product_id=self.product().id,
                quantity=1,
                unit_price_minor=subtotal_minor,
            )
        )
        return quote

    def plan_item(self, account: m.Account, **fields: Any) -> m.PlanItem:
        defaults = {"account_id": account.id, "kind": m.PlanItemKind.GOAL, "title": f"Goal {next(self._serial)}"}
        return self._add(m.PlanItem(**{**defaults, **fields}))

    def promotion_target(self, account: m.Account, **fields: Any) -> m.PromotionTarget:
        """``account`` as the target of a new month-long promotion."""
        promotion = self._add(
            m.Promotion(name="Spring offer", offer="10% off", starts_on=TODAY, ends_on=TODAY + timedelta(days=30))
        )
        keys = {"promotion_key": f"spring offer {promotion.id}", "month": TODAY.replace(day=1)}
        return self._add(
            m.PromotionTarget(**{"promotion_id": promotion.id, "account_id": account.id, **keys, **fields})
        )

    def health(self, account: m.Account, score: int, band: m.HealthBand, **fields: Any) -> m.HealthSnapshot:
        defaults = {"account_id": account.id, "day": TODAY, "score": score, "band": band, "measures": {}}
        return self._add(m.HealthSnapshot(**{**defaults, **fields}))

    def sentiment(self, account: m.Account, sentiment: m.Sentiment, **fields: Any) -> m.AccountSentiment:
        """An account manager's sentiment recorded a week ago, valid for 30 days from then."""
        defaults = {
            "account_id": account.id,
            "sentiment": sentiment,
            "recorded_on": TODAY - timedelta(days=7),
            "valid_until": TODAY + timedelta(days=23),
        }
        return self._add(m.AccountSentiment(**{**defaults, **fields}))

    def task(self, account: m.Account, **fields: Any) -> m.Task:
        """An open task for the account's owner, due in a week."""
        n = next(self._serial)
        defaults = {
            "account_id": account.id,
            "owner_id": account.owner_id,
            "title": f"Task {n}",
            "due_on": TODAY + timedelta(days=7),
        }
        return self._add(m.Task(**{**defaults, **fields}))

    def playbook_run(self, account: m.Account, **fields: Any) -> m.PlaybookRun:
        """A run of the onboarding playbook started by hand today."""
        n = next(self._serial)
        defaults = {
            "account_id": account.id,
            "playbook": "onboarding",
            "trigger": f"manual:{n}",
            "started_at": datetime.now(UTC),
        }
        return self._add(m.PlaybookRun(**{**defaults, **fields}))

    def connection(self, **fields: Any) -> m.Connection:
        """A csv connection reading a directory (no secrets)."""
        n = next(self._serial)
        defaults = {"name": f"sheet-{n}", "connector": "csv", "config": {"directory": f"/tmp/acctgraph-sheet-{n}"}}
        return self._add(m.Connection(**{**defaults, **fields}))

    def alert(self, account: m.Account, **fields: Any) -> m.Alert:
        """An open alert on the account, as the invoice_overdue rule would raise it."""
        n = next(self._serial)
        defaults = {
            "account_id": account.id,
            "owner_id": account.owner_id,
            "rule": "invoice_overdue",
            "subject": f"invoice:{n}",
            "title": f"Invoice INV-{n} is overdue",
            "evidence": {},
            "day": TODAY,
            "raised_at": datetime.now(UTC),
        }
        return self._add(m.Alert(**{**defaults, **fields}))

    def exchange_rate(self, currency: str, rate: str, effective_from: date = date(2000, 1, 1)) -> m.ExchangeRate:
        return self._add(m.ExchangeRate(currency=currency, rate=Decimal(rate), effective_from=effective_from))

    def webhook_endpoint(self, **fields: Any) -> m.WebhookEndpoint:
        n = next(self._serial)
        defaults = {"url": f"https://hooks{n}.example.com/acctgraph", "signing_key": generate_signing_key()}
        return self._add(m.WebhookEndpoint(**{**defaults, **fields}))

    def event(self, type_: str = "task.created", **fields: Any) -> m.Event:
        n = next(self._serial)
        return self._add(m.Event(**{"uid": f"evt_sample{n}", "type": type_, "payload": {"n": n}, **fields}))

    def webhook_delivery(self, endpoint: m.WebhookEndpoint | None = None, **fields: Any) -> m.WebhookDelivery:
        """A delivered delivery of a new event to ``endpoint`` (default: a new one)."""
        endpoint = endpoint or self.webhook_endpoint()
        defaults = {
            "endpoint_id": endpoint.id,
            "event_id": self.event().id,
            "status": m.DeliveryStatus.DELIVERED,
            "attempts": 1,
            "response_code": 200,
        }
        return self._add(m.WebhookDelivery(**{**defaults, **fields}))


@pytest.fixture
def sample(session: Session) -> SampleData:
    """Sample rows in the test database; call ``sample.session.commit()`` before reading them elsewhere."""
    return SampleData(session)
