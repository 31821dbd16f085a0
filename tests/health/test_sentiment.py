"""The am_sentiment measure's input: the recordSentiment mutation and the synced sentiment record."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from acctgraph import models as m
from tests.api.mutation_cases import codes, gid, mutate
from tests.fixtures import TODAY
from tests.health.conftest import score_all
from tests.integration.conftest import add_csv_connection, sync, write_csv_files


async def test_record_sentiment_feeds_the_measure_from_today_and_keeps_the_past(graphql, sample, scorecard, catalogue):
    owner = sample.user()
    account = sample.account(owner_id=owner.id)
    sample.session.commit()
    client = graphql.acting_as(owner)
    payload = await mutate(
        client,
        "recordSentiment",
        {"accountId": gid(account), "sentiment": "NEGATIVE", "note": "budget cuts", "validDays": 30},
        "sentiment { sentiment note recordedOn validUntil }",
    )
    assert payload["userErrors"] == []
    assert payload["sentiment"] == {
        "sentiment": "NEGATIVE",
        "note": "budget cuts",
        "recordedOn": TODAY.isoformat(),
        "validUntil": (TODAY + timedelta(days=30)).isoformat(),
    }
    config = scorecard({"am_sentiment": 1})
    (today,) = score_all(sample.session, config, catalogue, TODAY).values()
    assert (today.score, today.measures[0].raw_value) == (0, 0.0)
    assert score_all(sample.session, config, catalogue, TODAY - timedelta(days=1)) == {}  # not known before
    row = sample.session.scalars(select(m.AccountSentiment)).one()
    assert row.author_id == owner.id


async def test_record_sentiment_keeps_to_the_callers_book_and_checks_its_input(graphql, sample):
    someone_else = sample.user()
    account = sample.account(owner_id=someone_else.id)
    sample.session.commit()
    client = graphql.acting_as(role=m.Role.ACCOUNT_MANAGER)
    refused = await client.execute(
        "mutation($input: RecordSentimentInput!) { recordSentiment(input: $input) { userErrors { code } } }",
        {"input": {"accountId": gid(account), "sentiment": "POSITIVE"}},
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    payload = await mutate(
        graphql, "recordSentiment", {"accountId": gid(account), "sentiment": "POSITIVE", "validDays": 0}
    )
    assert codes(payload) == [("validDays", "INVALID")]
    assert sample.session.scalars(select(m.AccountSentiment)).all() == []


def test_a_connector_syncs_sentiment_into_the_measure(engine, session, tmp_path: Path, scorecard, catalogue):
    write_csv_files(tmp_path, accounts=2)
    (tmp_path / "account_sentiments.csv").write_text(
        "external_id,account_external_id,sentiment,note,recorded_on\n"
        f"S1,A1,positive,renewal agreed,{(TODAY - timedelta(days=3)).isoformat()}\n"
    )
    add_csv_connection(engine, tmp_path)
    run = sync(engine)
    assert {s.stream: s.created for s in run.streams}["account_sentiments"] == 1
    sentiment = session.scalars(select(m.AccountSentiment)).one()
    assert (sentiment.sentiment, sentiment.note) == (m.Sentiment.POSITIVE, "renewal agreed")
    assert sentiment.valid_until == TODAY - timedelta(days=3) + timedelta(days=90)
    scores = score_all(session, scorecard({"am_sentiment": 1}), catalogue, TODAY)
    assert [health.score for health in scores.values()] == [100]
