"""The renewal desk's writes: forecast fields edited with their history, churn reasons required when a renewal
is lost, saves recorded, promotions once a month per account."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from acctgraph import models as m
from tests.api.mutation_cases import codes, gid, mutate

OPPORTUNITY = (
    "opportunity { version amount { amountMinor } expectedCloseDate forecastCategory nextStep churnReason saved "
    "status fieldHistory { field before after } }"
)


async def test_each_edited_field_is_kept_in_the_history_and_unchanged_fields_are_not(graphql, sample) -> None:
    opportunity = sample.opportunity(sample.account(), amount_minor=10_000_00, expected_close_date=date(2026, 12, 1))
    sample.session.commit()
    first = await mutate(
        graphql,
        "updateOpportunity",
        {"id": gid(opportunity), "version": 1, "amountMinor": 12_500_00, "expectedCloseDate": "2026-12-01"},
        OPPORTUNITY,
    )
    assert first["opportunity"]["fieldHistory"] == [{"field": "amountMinor", "before": "1000000", "after": "1250000"}]
    second = await mutate(
        graphql,
        "updateOpportunity",
        {
            "id": gid(opportunity),
            "version": 2,
            "expectedCloseDate": "2027-01-15",
            "forecastCategory": "COMMIT",
            "nextStep": "Legal review",
        },
        OPPORTUNITY,
    )
    result = second["opportunity"]
    assert (result["amount"]["amountMinor"], result["expectedCloseDate"], result["forecastCategory"]) == (
        12_500_00,
        "2027-01-15",
        "COMMIT",
    )
    assert result["fieldHistory"][1:] == [
        {"field": "expectedCloseDate", "before": "2026-12-01", "after": "2027-01-15"},
        {"field": "forecastCategory", "before": "pipeline", "after": "commit"},
        {"field": "nextStep", "before": None, "after": "Legal review"},
    ]


async def test_edits_are_refused_with_codes_and_change_nothing(graphql, sample) -> None:
    opportunity = sample.opportunity(sample.account())
    closed = sample.opportunity(sample.account(), status=m.OpportunityStatus.WON)
    sample.session.commit()
    ref = {"id": gid(opportunity), "version": 1}
    assert codes(await mutate(graphql, "updateOpportunity", ref, OPPORTUNITY)) == [("id", "REQUIRED")]
    cleared = await mutate(graphql, "updateOpportunity", {**ref, "amountMinor": None}, OPPORTUNITY)
    assert codes(cleared) == [("amountMinor", "REQUIRED")]
    by_category = await mutate(graphql, "updateOpportunity", {**ref, "forecastCategory": "CLOSED"}, OPPORTUNITY)
    assert codes(by_category) == [("forecastCategory", "INVALID")]
    stale = await mutate(graphql, "updateOpportunity", {**ref, "version": 7, "nextStep": "x"}, OPPORTUNITY)
    assert codes(stale) == [("version", "STALE_VERSION")]
    on_closed = await mutate(graphql, "updateOpportunity", {"id": gid(closed), "version": 1, "nextStep": "x"})
    assert codes(on_closed) == [("id", "CLOSED")]
    sample.session.expire_all()
    assert sample.session.get(m.Opportunity, opportunity.id).version == 1
    assert sample.session.query(m.OpportunityFieldChange).count() == 0


async def test_a_lost_renewal_needs_a_churn_reason_from_the_taxonomy(graphql, sample) -> None:
    renewal = sample.opportunity(sample.account(), kind=m.OpportunityKind.RENEWAL)
    upsell = sample.opportunity(sample.account())
    sample.session.commit()
    lost = {"id": gid(renewal), "version": 1, "won": False, "reason": "Moved to a cheaper tool"}
    assert codes(await mutate(graphql, "closeOpportunity", lost, OPPORTUNITY)) == [
        ("churnReason", "CHURN_REASON_REQUIRED")
    ]
    unknown = await mutate(graphql, "closeOpportunity", {**lost, "churnReason": "weather"}, OPPORTUNITY)
    assert codes(unknown) == [("churnReason", "UNKNOWN_CHURN_REASON")]
    done = await mutate(graphql, "closeOpportunity", {**lost, "churnReason": "Price"}, OPPORTUNITY)
    assert (done["opportunity"]["status"], done["opportunity"]["churnReason"]) == ("LOST", "price")
    other = {"id": gid(upsell), "version": 1, "won": False, "reason": "No budget this year"}
    assert (await mutate(graphql, "closeOpportunity", other, OPPORTUNITY))["opportunity"]["churnReason"] is None
    taxonomy = (await graphql.data("{ churnReasons }"))["churnReasons"]
    assert "price" in taxonomy and "champion_left" in taxonomy


async def test_a_renewal_won_after_opening_at_risk_is_a_save_and_one_opened_healthy_is_not(graphql, sample) -> None:
    opened = datetime.now(UTC) - timedelta(days=20)
    red, green, alerted = sample.account(), sample.account(), sample.account()
    sample.health(red, 30, m.HealthBand.RED, day=opened.date() - timedelta(days=1))
    sample.health(green, 90, m.HealthBand.GREEN, day=opened.date() - timedelta(days=1))
    sample.health(alerted, 90, m.HealthBand.GREEN, day=opened.date() - timedelta(days=1))
    sample.alert(alerted, raised_at=opened - timedelta(days=2), resolved_at=opened + timedelta(days=5))
    sample.alert(green, raised_at=opened + timedelta(days=1))  # raised after the renewal opened: not at entry
    renewals = {
        account.id: sample.opportunity(account, kind=m.OpportunityKind.RENEWAL, created_at=opened)
        for account in (red, green, alerted)
    }
    sample.session.commit()
    saved = {}
    for account_id, renewal in renewals.items():
        won = await mutate(graphql, "closeOpportunity", {"id": gid(renewal), "version": 1, "won": True}, OPPORTUNITY)
        saved[account_id] = won["opportunity"]["saved"]
    assert saved == {red.id: True, green.id: False, alerted.id: True}


async def test_the_same_promotion_reaches_an_account_once_a_month(graphql, sample) -> None:
    account = sample.account(segment=m.Segment.STRATEGIC)
    other = sample.account(segment=m.Segment.STRATEGIC)
    sample.session.commit()
    today = date.today()
    promotion = {
        "name": "Spring offer",
        "offer": "Free onboarding",
        "startsOn": today.isoformat(),
        "endsOn": (today + timedelta(days=10)).isoformat(),
        "accountIds": [gid(account)],
    }
    assert (await mutate(graphql, "createPromotion", promotion))["userErrors"] == []
    again = await mutate(
        graphql, "createPromotion", {**promotion, "name": " spring OFFER", "accountIds": [gid(other), gid(account)]}
    )
    assert codes(again) == [("accountIds.1", "DUPLICATE_PROMOTION")]
    renamed = await mutate(graphql, "createPromotion", {**promotion, "name": "Summer offer"})
    assert renamed["userErrors"] == []
    sample.session.expire_all()
    assert sample.session.query(m.PromotionTarget).filter_by(account_id=other.id).count() == 0


async def test_cancelling_a_contract_needs_a_reason_and_loses_its_open_renewal(graphql, sample) -> None:
    account = sample.account()
    contract = sample.contract(account)
    renewal = sample.opportunity(account, kind=m.OpportunityKind.RENEWAL, contract_id=contract.id)
    sample.session.commit()
    selection = "contract { status endDate churnReason churnDetail }"
    given = {"id": gid(contract), "churnReason": "acquired", "reason": "Bought by a competitor's customer"}
    unknown = await mutate(graphql, "cancelContract", {**given, "churnReason": "weather"}, selection)
    assert codes(unknown) == [("churnReason", "UNKNOWN_CHURN_REASON")]
    past = await mutate(graphql, "cancelContract", {**given, "endsOn": (date.today() - timedelta(days=1)).isoformat()})
    assert codes(past) == [("endsOn", "IN_PAST")]
    ends_on = (date.today() + timedelta(days=10)).isoformat()
    done = await mutate(graphql, "cancelContract", {**given, "endsOn": ends_on}, selection)
    assert done["contract"] == {
        "status": "CANCELLED",
        "endDate": ends_on,
        "churnReason": "acquired",
        "churnDetail": "Bought by a competitor's customer",
    }
    sample.session.expire_all()
    lost = sample.session.get(m.Opportunity, renewal.id)
    assert (lost.status, lost.churn_reason, lost.closed_on) == (
        m.OpportunityStatus.LOST,
        "acquired",
        datetime.now(UTC).date(),
    )
    again = await mutate(graphql, "cancelContract", given)
    assert codes(again) == [("id", "ILLEGAL_TRANSITION")]
