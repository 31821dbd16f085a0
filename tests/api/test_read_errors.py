"""Clear, coded errors for bad cursors, over-large pages, unknown and malformed ids, and abusive queries."""

from __future__ import annotations

import base64

from acctgraph.settings import Settings
from tests.conftest import GraphQLClient
from tests.fixtures import SampleData


def error_of(result: dict) -> tuple[str, str]:
    (error,) = result["errors"]
    return error["extensions"]["code"], error["message"]


async def test_a_cursor_that_is_not_ours_is_refused(graphql: GraphQLClient) -> None:
    code, message = error_of(await graphql.execute('{ accounts(after: "not-a-cursor") { totalCount } }'))

    assert code == "INVALID_CURSOR"
    assert "pageInfo" in message


async def test_a_cursor_of_another_ordering_is_refused(graphql: GraphQLClient, sample: SampleData) -> None:
    sample.account()
    sample.account()
    sample.session.commit()
    by_name = await graphql.data("{ accounts(first: 1) { pageInfo { endCursor } } }")
    cursor = by_name["accounts"]["pageInfo"]["endCursor"]

    result = await graphql.execute(
        "query($c: String) { accounts(first: 1, after: $c, orderBy: {field: ARR}) { totalCount } }", {"c": cursor}
    )

    assert error_of(result) == (
        "INVALID_CURSOR",
        "cursor belongs to another ordering of this list; restart from the first page",
    )


async def test_a_tampered_cursor_is_refused(graphql: GraphQLClient) -> None:
    forged = base64.urlsafe_b64encode(b'{"o":"name:asc,id:asc","v":["x","1 OR 1=1"]}').decode()

    result = await graphql.execute("query($c: String) { accounts(after: $c) { totalCount } }", {"c": forged})

    assert error_of(result)[0] == "INVALID_CURSOR"


async def test_a_page_over_the_maximum_says_the_maximum(graphql: GraphQLClient) -> None:
    code, message = error_of(await graphql.execute("{ accounts(first: 101) { totalCount } }"))

    assert code == "BAD_USER_INPUT"
    assert message.startswith("page size 101 is over the maximum of 100")


async def test_first_and_last_together_are_refused(graphql: GraphQLClient) -> None:
    code, _ = error_of(await graphql.execute("{ accounts(first: 1, last: 1) { totalCount } }"))

    assert code == "BAD_USER_INPUT"


async def test_a_nested_page_over_the_maximum_is_refused_too(graphql: GraphQLClient, sample: SampleData) -> None:
    sample.account()
    sample.session.commit()

    code, _ = error_of(await graphql.execute("{ accounts { nodes { contacts(first: 500) { totalCount } } } }"))

    assert code == "BAD_USER_INPUT"


async def test_an_unknown_account_id_is_not_found(graphql: GraphQLClient) -> None:
    result = await graphql.execute('{ account(id: "QWNjb3VudDo5OTk5OQ==") { name } }')

    assert result["data"] == {"account": None}
    assert error_of(result)[0] == "NOT_FOUND"


async def test_a_malformed_or_mistyped_id_is_invalid(graphql: GraphQLClient, sample: SampleData) -> None:
    user = sample.user()
    sample.session.commit()
    user_id = base64.b64encode(f"User:{user.id}".encode()).decode()

    malformed = await graphql.execute('{ account(id: "nonsense") { name } }')
    mistyped = await graphql.execute(f'{{ account(id: "{user_id}") {{ name }} }}')
    unknown_type = await graphql.execute('{ node(id: "Qm9ndXM6MQ==") { id } }')

    assert error_of(malformed)[0] == "INVALID_ID"
    assert error_of(mistyped) == ("INVALID_ID", f"'{user_id}' is the id of a User, not of a Account")
    assert error_of(unknown_type)[0] == "INVALID_ID"


async def test_queries_deeper_than_the_limit_are_refused(graphql: GraphQLClient, api_settings: Settings) -> None:
    nesting = api_settings.max_query_depth + 1
    deep = "{ accounts { nodes { " + "parent { " * nesting + "name" + " }" * nesting + " } } }"

    result = await graphql.execute(deep)

    assert "exceeds maximum operation depth" in result["errors"][0]["message"]


async def test_too_many_aliases_are_refused(graphql: GraphQLClient) -> None:
    aliases = " ".join(f"a{index}: accounts {{ totalCount }}" for index in range(40))

    result = await graphql.execute(f"{{ {aliases} }}")

    assert "aliases found" in result["errors"][0]["message"]


async def test_a_field_error_nulls_its_parent_and_leaves_the_api_usable(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    account = sample.account()
    sample.contact(account)
    sample.session.commit()
    account_id = base64.b64encode(f"Account:{account.id}".encode()).decode()
    query = 'query($id: ID!) { account(id: $id) { name contacts { nodes { name } } healthHistory(from: "2000-01-01") { score } } }'

    failed = await graphql.execute(query, {"id": account_id})
    after = await graphql.data("{ accounts { totalCount } }")

    assert failed["data"] == {"account": None}
    assert error_of(failed) == ("BAD_USER_INPUT", "ask for at most 1098 days at a time; narrow `from`/`to`")
    assert after == {"accounts": {"totalCount": 1}}
