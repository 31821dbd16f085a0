"""The risk alert rules. Each is one set-based query over the whole book for a day.

A rule's query returns ``account_id`` and ``subject`` (what the alert is about, so the same condition
on the same thing is raised once while unresolved) plus the columns its evidence is built from.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import date, timedelta
from typing import Any, ClassVar

from sqlalchemy import Row, Select, String, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import aliased

from acctgraph.domain.alerts.settings import AlertSettings
from acctgraph.domain.health.builtin_measures import latest_sentiments
from acctgraph.domain.health.history import reference_scores
from acctgraph.domain.health.measures import end_of_day
from acctgraph.models import (
    Alert,
    AlertSeverity,
    BuyingRole,
    Contact,
    Contract,
    ContractStatus,
    HealthBand,
    HealthSnapshot,
    Invoice,
    InvoiceStatus,
    NpsResponse,
)


class AlertRule(ABC):
    """A rule raises an alert per condition, and resolves it by itself when the condition clears.

    ``cleared_reason`` is kept on an alert the evaluation resolves (None: never resolved by itself,
    e.g. an NPS response stays what it was). By default a condition holds while ``candidates`` still
    returns its account and subject; rules judged on the day's health snapshot override ``holding``
    and ``still_holds`` so an account without a snapshot that day is left alone rather than resolved.
    """

    key: ClassVar[str]
    severity: ClassVar[AlertSeverity] = AlertSeverity.WARNING
    cleared_reason: ClassVar[str | None] = None

    @abstractmethod
    def candidates(self, as_of: date, settings: AlertSettings) -> Select[*tuple[Any, ...]]:
        """SELECT account_id, subject, ...: the conditions that hold on ``as_of``."""

    @abstractmethod
    def describe(self, row: Row[Any], settings: AlertSettings) -> tuple[str, dict[str, Any]]:
        """The alert's title and its evidence (JSON-serialisable)."""

    def holding(self, as_of: date, settings: AlertSettings) -> Select[*tuple[Any, ...]]:
        """SELECT account_id, subject, ...: what an unresolved alert is checked against on ``as_of``."""
        return self.candidates(as_of, settings)

    def holding_key(self, alert: Alert) -> tuple[int, str]:
        """The ``holding`` row an alert is judged by."""
        return alert.account_id, alert.subject

    def still_holds(self, alert: Alert, row: Row[Any] | None, settings: AlertSettings) -> bool | None:
        """Whether the alert's condition still holds; None when it cannot be judged that day."""
        return row is not None


class _JudgedOnSnapshot(AlertRule):
    """A rule about the day's health: judged only for accounts with a snapshot that day."""

    def holding(self, as_of: date, settings: AlertSettings) -> Select[*tuple[Any, ...]]:
        return select(
            HealthSnapshot.account_id, literal("").label("subject"), HealthSnapshot.band, HealthSnapshot.score
        ).where(HealthSnapshot.day == as_of)

    def holding_key(self, alert: Alert) -> tuple[int, str]:
        return alert.account_id, ""

    def still_holds(self, alert: Alert, row: Row[Any] | None, settings: AlertSettings) -> bool | None:
        return None if row is None else self.holds_on_snapshot(alert, row, settings)

    @abstractmethod
    def holds_on_snapshot(self, alert: Alert, row: Row[Any], settings: AlertSettings) -> bool | None:
        """Whether the condition still holds given the day's snapshot (``band``, ``score``)."""


BAND_RANK = {HealthBand.GREEN: 0, HealthBand.YELLOW: 1, HealthBand.RED: 2}


def _subject(kind: str, id_column: Any) -> Any:
    """``kind:id``, naming the record an alert is about, so each record raises its own alert."""
    return (kind + ":" + cast(id_column, String)).label("subject")


def _band_rank(band: Any) -> Any:
    return case((band == HealthBand.GREEN, 0), (band == HealthBand.YELLOW, 1), else_=2)


class BandDropped(_JudgedOnSnapshot):
    """The band fell (green to yellow, yellow to red, green to red) since the previous snapshot;
    cleared once the band is back to the one it fell from (or better)."""

    key = "band_dropped"
    cleared_reason = "the health band recovered"

    def holds_on_snapshot(self, alert: Alert, row: Row[Any], settings: AlertSettings) -> bool | None:
        fell_from = alert.subject.split("->")[0]
        if fell_from not in BAND_RANK:
            return None
        return BAND_RANK[HealthBand(row.band)] > BAND_RANK[HealthBand(fell_from)]

    def candidates(self, as_of: date, settings: AlertSettings) -> Select[*tuple[Any, ...]]:
        current = aliased(HealthSnapshot)
        previous = aliased(HealthSnapshot)
        previous_day = (
            select(HealthSnapshot.account_id, func.max(HealthSnapshot.day).label("day"))
            .where(HealthSnapshot.day < as_of)
            .group_by(HealthSnapshot.account_id)
            .subquery()
        )
        return (
            select(
                current.account_id,
                (cast(previous.band, String) + "->" + cast(current.band, String)).label("subject"),
                previous.band.label("previous_band"),
                previous.day.label("previous_day"),
                previous.score.label("previous_score"),
                current.band.label("band"),
                current.score.label("score"),
            )
            .join(previous_day, previous_day.c.account_id == current.account_id)
            .join(previous, and_(previous.account_id == current.account_id, previous.day == previous_day.c.day))
            .where(current.day == as_of, _band_rank(current.band) > _band_rank(previous.band))
        )

    def describe(self, row: Row[Any], settings: AlertSettings) -> tuple[str, dict[str, Any]]:
        title = f"Health dropped from {row.previous_band} to {row.band}"
        evidence = {
            "previousBand": str(row.previous_band),
            "previousDay": row.previous_day.isoformat(),
            "previousScore": row.previous_score,
            "band": str(row.band),
            "score": row.score,
        }
        return title, evidence


class ScoreFell(_JudgedOnSnapshot):
    """The score fell by at least ``score_drop_points`` within ``score_drop_window_days``; cleared once
    the score is back within ``score_drop_points`` of the score it fell from."""

    key = "score_fell"
    cleared_reason = "the health score recovered"

    def holds_on_snapshot(self, alert: Alert, row: Row[Any], settings: AlertSettings) -> bool | None:
        reference = alert.evidence.get("referenceScore")
        if not isinstance(reference, int):
            return None
        return bool(reference - row.score >= settings.score_drop_points)

    def candidates(self, as_of: date, settings: AlertSettings) -> Select[*tuple[Any, ...]]:
        reference = reference_scores(as_of, settings.score_drop_window_days).subquery()
        return (
            select(
                HealthSnapshot.account_id,
                literal("").label("subject"),
                HealthSnapshot.score,
                reference.c.reference_score,
                reference.c.reference_day,
            )
            .join(reference, reference.c.account_id == HealthSnapshot.account_id)
            .where(
                HealthSnapshot.day == as_of,
                reference.c.reference_score - HealthSnapshot.score >= settings.score_drop_points,
            )
        )

    def describe(self, row: Row[Any], settings: AlertSettings) -> tuple[str, dict[str, Any]]:
        drop = row.reference_score - row.score
        title = f"Health score fell {drop} points since {row.reference_day.isoformat()}"
        evidence = {
            "score": row.score,
            "referenceScore": row.reference_score,
            "referenceDay": row.reference_day.isoformat(),
        }
        return title, evidence


class RenewalWhileRed(_JudgedOnSnapshot):
    """A contract in force ends within ``renewal_window_days`` while the account is red; cleared once
    the account is no longer red."""

    key = "renewal_while_red"
    severity = AlertSeverity.CRITICAL
    cleared_reason = "the account is no longer red"

    def holds_on_snapshot(self, alert: Alert, row: Row[Any], settings: AlertSettings) -> bool | None:
        return bool(row.band == HealthBand.RED)

    def candidates(self, as_of: date, settings: AlertSettings) -> Select[*tuple[Any, ...]]:
        return (
            select(
                Contract.account_id,
                _subject("contract", Contract.id),
                Contract.number,
                Contract.end_date,
                HealthSnapshot.score,
            )
            .join(HealthSnapshot, HealthSnapshot.account_id == Contract.account_id)
            .where(
                HealthSnapshot.day == as_of,
                HealthSnapshot.band == HealthBand.RED,
                Contract.status == ContractStatus.ACTIVE,
                Contract.deleted_at.is_(None),
                Contract.end_date >= as_of,
                Contract.end_date <= as_of + timedelta(days=settings.renewal_window_days),
            )
        )

    def describe(self, row: Row[Any], settings: AlertSettings) -> tuple[str, dict[str, Any]]:
        title = f"Contract {row.number} renews on {row.end_date.isoformat()} and the account is red"
        return title, {"contract": row.number, "endDate": row.end_date.isoformat(), "score": row.score}


class ChampionInactive(AlertRule):
    """A champion contact is no longer active (left, or deleted in the CRM)."""

    key = "champion_inactive"
    severity = AlertSeverity.CRITICAL
    cleared_reason = "the contact is active again or no longer the champion"

    def candidates(self, as_of: date, settings: AlertSettings) -> Select[*tuple[Any, ...]]:
        return select(
            Contact.account_id,
            _subject("contact", Contact.id),
            Contact.name,
            Contact.email,
            Contact.deleted_at,
        ).where(
            Contact.buying_role == BuyingRole.CHAMPION, or_(Contact.active.is_(False), Contact.deleted_at.is_not(None))
        )

    def describe(self, row: Row[Any], settings: AlertSettings) -> tuple[str, dict[str, Any]]:
        state = "was deleted in the source system" if row.deleted_at else "is no longer active"
        return f"Champion {row.name} {state}", {"contact": row.name, "email": row.email}


class NpsDetractor(AlertRule):
    """An NPS response at or below ``detractor_max_score`` within ``detractor_lookback_days``."""

    key = "nps_detractor"

    def candidates(self, as_of: date, settings: AlertSettings) -> Select[*tuple[Any, ...]]:
        day_end = end_of_day(as_of)
        return select(
            NpsResponse.account_id,
            _subject("nps", NpsResponse.id),
            NpsResponse.score,
            NpsResponse.comment,
            NpsResponse.responded_at,
        ).where(
            NpsResponse.score <= settings.detractor_max_score,
            NpsResponse.responded_at < day_end,
            NpsResponse.responded_at >= day_end - timedelta(days=settings.detractor_lookback_days),
            NpsResponse.deleted_at.is_(None),
        )

    def describe(self, row: Row[Any], settings: AlertSettings) -> tuple[str, dict[str, Any]]:
        title = f"NPS detractor: {row.score}/10 on {row.responded_at.date().isoformat()}"
        evidence = {"score": row.score, "comment": row.comment, "respondedAt": row.responded_at.isoformat()}
        return title, evidence


class InvoiceOverdue(AlertRule):
    """An unpaid invoice more than ``invoice_overdue_days`` past its due date."""

    key = "invoice_overdue"
    cleared_reason = "the invoice was paid, voided or deleted"

    def candidates(self, as_of: date, settings: AlertSettings) -> Select[*tuple[Any, ...]]:
        return select(
            Invoice.account_id,
            _subject("invoice", Invoice.id),
            Invoice.number,
            Invoice.due_date,
            Invoice.amount_minor,
            Invoice.currency,
        ).where(
            Invoice.paid_at.is_(None),
            Invoice.status.in_((InvoiceStatus.OPEN, InvoiceStatus.UNCOLLECTIBLE)),
            Invoice.due_date < as_of - timedelta(days=settings.invoice_overdue_days),
            Invoice.deleted_at.is_(None),
        )

    def describe(self, row: Row[Any], settings: AlertSettings) -> tuple[str, dict[str, Any]]:
        title = f"Invoice {row.number} is overdue since {row.due_date.isoformat()}"
        evidence = {
            "invoice": row.number,
            "dueDate": row.due_date.isoformat(),
            "amountMinor": row.amount_minor,
            "currency": row.currency,
        }
        return title, evidence


class SentimentStale(AlertRule):
    """The account manager's latest sentiment is past its validity: a reminder to record a new one."""

    key = "sentiment_stale"
    severity = AlertSeverity.INFO
    cleared_reason = "a new sentiment was recorded"

    def candidates(self, as_of: date, settings: AlertSettings) -> Select[*tuple[Any, ...]]:
        latest = latest_sentiments(as_of).subquery()
        return select(
            latest.c.account_id,
            _subject("sentiment", latest.c.id),
            latest.c.sentiment,
            latest.c.valid_until,
        ).where(latest.c.valid_until < as_of)

    def describe(self, row: Row[Any], settings: AlertSettings) -> tuple[str, dict[str, Any]]:
        title = f"Your sentiment on this account expired on {row.valid_until.isoformat()}: record a new one"
        return title, {"sentiment": str(row.sentiment), "validUntil": row.valid_until.isoformat()}


ALERT_RULES: tuple[AlertRule, ...] = (
    BandDropped(),
    ScoreFell(),
    RenewalWhileRed(),
    ChampionInactive(),
    NpsDetractor(),
    InvoiceOverdue(),
    SentimentStale(),
)
