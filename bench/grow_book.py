"""Grow a loaded demo book to N accounts by copying its accounts in SQL: seconds, not a demo load.

    python bench/grow_book.py --accounts 100000 URL

Each copy of an account brings its contracts and their lines, its latest health snapshot, its open
alerts and its read-model summary (owner, segment and stage taken from another original: see DONATED) (``account_summaries``), so lists, orderings and the dashboard page
see a book 200 times the demo's with the demo's proportions. One INSERT ... SELECT per table, joined to
a small table of copy rounds; copies get ids offset by a multiple of the table's largest id, their
names and contract numbers a ``#round`` suffix. Owners, products and rates are shared with the originals.
Runs on a bare connection (no ORM, no session events): the summaries are copied, not recomputed, which
is right because a copy has exactly its original's figures. Then ANALYZE, so plans see the new size.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from sqlalchemy import Connection, Table, func, select, text

from acctgraph import models as m
from acctgraph.db import create_sync_engine

ROUNDS = "grow_book_rounds"
ORIGINALS = "grow_book_originals"
DONOR_JOIN = (
    f"JOIN {ORIGINALS} o ON o.id = {{account}} "
    f"JOIN {ORIGINALS} p ON p.pos = (o.pos + g.r * 7919) % (SELECT count(*) FROM {ORIGINALS}) "
    "JOIN accounts d ON d.id = p.id "
)
"""A copy takes its owner, segment and lifecycle stage from another original (a different one each
round), so the grown book keeps the demo's proportions without runs of 200 identical neighbours in
every ordering (copies sort next to their original by name, ARR, health and renewal)."""
DONATED = {"owner_id": "d.owner_id", "segment": "d.segment", "lifecycle_stage": "d.lifecycle_stage"}


def _largest_id(connection: Connection, table: Table, column: str = "id") -> int:
    return int(connection.scalar(select(func.coalesce(func.max(table.c[column]), 0))) or 0)


def _rounds(connection: Connection, originals: list[int], wanted: int) -> int:
    """Fill the rounds table: (round, the largest original id copied in that round); the copies made."""
    count = len(originals)
    to_make = max(wanted - count, 0)
    rows = []
    for round_number in range(1, to_make // count + 2):
        copies = min(count, to_make - (round_number - 1) * count)
        if copies <= 0:
            break
        rows.append({"r": round_number, "upto": originals[copies - 1]})
    connection.execute(text(f"CREATE TEMPORARY TABLE {ROUNDS} (r INTEGER NOT NULL, upto INTEGER NOT NULL)"))
    connection.execute(text(f"CREATE TEMPORARY TABLE {ORIGINALS} (pos INTEGER PRIMARY KEY, id INTEGER NOT NULL)"))
    connection.execute(
        text(f"INSERT INTO {ORIGINALS} (pos, id) VALUES (:pos, :id)"),
        [{"pos": pos, "id": account_id} for pos, account_id in enumerate(originals)],
    )
    if rows:
        connection.execute(text(f"INSERT INTO {ROUNDS} (r, upto) VALUES (:r, :upto)"), rows)
    return to_make


def _copy(
    connection: Connection,
    table: Table,
    overrides: dict[str, str],
    where: str,
    account_column: str,
    joins: str = "",
    donor: bool = False,
) -> int:
    """INSERT INTO table SELECT its columns (``overrides`` replacing some by SQL over ``t`` and the round
    ``g.r``) for every round whose ``upto`` covers the row's account."""
    columns = [column.name for column in table.columns]
    values = ", ".join(overrides.get(name, f"t.{name}") for name in columns)
    statement = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT {values} FROM {table.name} t {joins} "
        f"JOIN {ROUNDS} g ON {account_column} <= g.upto {DONOR_JOIN.format(account=account_column) if donor else ''}"
        f"WHERE {where}"
    )
    result: Any = connection.execute(text(statement))
    return int(result.rowcount)


def grow(url: str, accounts: int) -> dict[str, int]:
    """Copy the book's accounts until it holds ``accounts``; rows inserted per table."""
    engine = create_sync_engine(url)
    tables = {model.__tablename__: model.__table__ for model in (m.Account, m.Contract, m.ContractLine)}
    health, alerts, summaries = m.HealthSnapshot.__table__, m.Alert.__table__, m.AccountSummary.__table__
    inserted: dict[str, int] = {}
    with engine.begin() as connection:
        originals = list(connection.scalars(select(m.Account.id).order_by(m.Account.id)))
        if not originals:
            raise SystemExit("the database holds no accounts: load the demo first (`acctgraph demo`)")
        a = _largest_id(connection, tables["accounts"])
        c = _largest_id(connection, tables["contracts"])
        lines = _largest_id(connection, tables["contract_lines"])
        h, al = _largest_id(connection, health), _largest_id(connection, alerts)
        if _rounds(connection, originals, accounts) == 0:
            return inserted
        account_id = f"t.account_id + g.r * {a}"
        inserted["accounts"] = _copy(
            connection,
            tables["accounts"],
            {
                "id": f"t.id + g.r * {a}",
                "name": "t.name || ' #' || g.r",
                "parent_id": f"CASE WHEN t.parent_id <= g.upto THEN t.parent_id + g.r * {a} END",
                **DONATED,
            },
            f"t.id <= {a}",
            "t.id",
            donor=True,
        )
        inserted["contracts"] = _copy(
            connection,
            tables["contracts"],
            {
                "id": f"t.id + g.r * {c}",
                "account_id": account_id,
                "number": "t.number || '#' || g.r",
                "renewal_of_id": f"t.renewal_of_id + g.r * {c}",
            },
            f"t.id <= {c}",
            "t.account_id",
        )
        inserted["contract_lines"] = _copy(
            connection,
            tables["contract_lines"],
            {"id": f"t.id + g.r * {lines}", "contract_id": f"t.contract_id + g.r * {c}"},
            f"t.id <= {lines}",
            "k.account_id",
            joins="JOIN contracts k ON k.id = t.contract_id",
        )
        latest = "t.day = (SELECT max(s.day) FROM health_snapshots s WHERE s.account_id = t.account_id)"
        inserted["health_snapshots"] = _copy(
            connection,
            health,
            {"id": f"t.id + g.r * {h}", "account_id": account_id},
            f"t.id <= {h} AND {latest}",
            "t.account_id",
        )
        inserted["alerts"] = _copy(
            connection,
            alerts,
            {"id": f"t.id + g.r * {al}", "account_id": account_id},
            f"t.id <= {al} AND t.status = 'open'",
            "t.account_id",
        )
        inserted["account_summaries"] = _copy(
            connection,
            summaries,
            {
                "account_id": account_id,
                "name_key": "t.name_key || ' #' || g.r",
                "next_renewal_contract_id": f"t.next_renewal_contract_id + g.r * {c}",
                **DONATED,
            },
            f"t.account_id <= {a}",
            "t.account_id",
            donor=True,
        )
        connection.execute(text(f"DROP TABLE {ROUNDS}"))
        connection.execute(text(f"DROP TABLE {ORIGINALS}"))
        if connection.dialect.name == "postgresql":
            for name in ("accounts", "contracts", "contract_lines", "health_snapshots", "alerts"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) FROM {name}"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()
    return inserted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "url", help="A migrated database holding the demo book (and its health: `acctgraph health compute`)."
    )
    parser.add_argument("--accounts", type=int, default=100_000, help="Accounts the book should hold after growing.")
    args = parser.parse_args()
    started = time.perf_counter()
    inserted = grow(args.url, args.accounts)
    elapsed = time.perf_counter() - started
    for table, rows in inserted.items():
        print(f"{table:<18} +{rows:>9,} rows")
    print(f"grown to {args.accounts:,} accounts in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
