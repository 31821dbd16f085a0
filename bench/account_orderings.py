"""The first page of every accounts ordering, with and without the common filters, on a small and a large
book: is the list flat in the size of the book? (issue #14's goal: within 1.5x at 100,000 vs 500 accounts)

    python bench/account_orderings.py --small URL --large URL [--repeat 25] [--explain]

Both databases hold the demo book (``acctgraph demo`` then ``acctgraph health compute``), the large one
grown with ``bench/grow_book.py --accounts 100000``. Each case runs the page statement the API runs
(``acctgraph.domain.read_model.account_list``: 100 rows plus one, keyset ordered, the book rule and the
filters inside the query), small and large interleaved, and prints the rows each page holds (a page of the small book can be short), the median time of
each, their ratio, the ratio of the best times (steadier on a loaded machine),
and with ``--explain`` the large book's plan (PostgreSQL EXPLAIN, SQLite EXPLAIN QUERY PLAN).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Select, func, select, text

from acctgraph import models as m
from acctgraph.db import create_sync_engine
from acctgraph.domain.read_model.account_list import AccountListFilter, AccountOrderKey, account_list, count_of

PAGE = 100


@dataclass(frozen=True)
class Case:
    order: AccountOrderKey
    descending: bool
    filter_name: str


def _filters(engine: Engine) -> dict[str, AccountListFilter]:
    """No filter, and the common ones, chosen from the small book so both books answer the same question."""
    with engine.connect() as connection:
        owner = connection.scalar(
            select(m.Account.owner_id).group_by(m.Account.owner_id).order_by(func.count().desc()).limit(1)
        )
        manager = connection.scalar(select(m.User.manager_id).where(m.User.id == owner))
        team = set(connection.scalars(select(m.User.id).where(m.User.manager_id == manager))) if manager else {owner}
    return {
        "none": AccountListFilter(),
        "owner": AccountListFilter(owner_ids=[owner]),
        "book rule (team)": AccountListFilter(book_owner_ids=team),
        "segment": AccountListFilter(segments=[m.Segment.ENTERPRISE]),
        "stage": AccountListFilter(lifecycle_stages=[m.LifecycleStage.ACTIVE]),
    }


def page_statement(where: AccountListFilter, case: Case, size: int = PAGE) -> Select[Any]:
    listed = account_list(where, case.order, case.descending, datetime.now(UTC).date())
    order = [column.column.desc() if column.descending else column.column.asc() for column in listed.order]
    columns = [column.column for column in listed.order]
    return listed.statement.add_columns(*columns).order_by(*order).limit(size + 1)


def page_size(engine: Engine, where: AccountListFilter) -> int:
    """A full page in both books: 100, or fewer when the small book holds fewer matching accounts (an
    owner's book of 60 accounts), so both sides return the same number of rows."""
    listed = account_list(where, AccountOrderKey.NAME, False, datetime.now(UTC).date())
    with engine.connect() as connection:
        return min(PAGE, int(connection.scalar(count_of(listed.statement)) or 0) - 1)


def run_once(engine: Engine, statement: Select[Any]) -> float:
    with engine.connect() as connection:
        started = time.perf_counter()
        rows = connection.execute(statement).all()
        elapsed = time.perf_counter() - started
    assert len(rows) <= PAGE + 1, len(rows)
    return elapsed


def row_count(engine: Engine, statement: Select[Any]) -> int:
    with engine.connect() as connection:
        return len(connection.execute(statement).all())


def explain(engine: Engine, statement: Select[Any]) -> str:
    sql = str(statement.compile(engine, compile_kwargs={"literal_binds": True}))
    prefix = "EXPLAIN " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    with engine.connect() as connection:
        rows = connection.execute(text(prefix + sql)).all()
    return "\n".join("      " + " ".join(str(value) for value in row[-1:]) for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", required=True, help="URL of the demo book (500 accounts)")
    parser.add_argument("--large", required=True, help="URL of the grown book (100,000 accounts)")
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--explain", action="store_true", help="Print the large book's plan of every case.")
    args = parser.parse_args()
    small, large = create_sync_engine(args.small), create_sync_engine(args.large)
    sizes = []
    for engine in (small, large):
        with engine.connect() as connection:
            sizes.append(connection.scalar(select(func.count()).select_from(m.Account)))
    filters = _filters(small)
    print(f"{small.dialect.name}: {sizes[0]:,} vs {sizes[1]:,} accounts, first page of {PAGE}, median of {args.repeat}")
    print(f"load average: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    print(
        f"{'ordering':<22} {'filter':<17} {'rows':>9} {'small ms':>9} {'large ms':>9} {'ratio':>6} {'best-of ratio':>13}"
    )
    ratios, best_ratios = [], []
    for order in AccountOrderKey:
        for descending in (False, True):
            for filter_name, where in filters.items():
                case = Case(order, descending, filter_name)
                statement = page_statement(where, case, page_size(small, where))
                for engine in (small, large):
                    run_once(engine, statement)  # warm the cache and the plan
                timings: dict[Engine, list[float]] = {small: [], large: []}
                for _ in range(args.repeat):
                    for engine in (small, large):
                        timings[engine].append(run_once(engine, statement))
                small_ms = statistics.median(timings[small]) * 1000
                large_ms = statistics.median(timings[large]) * 1000
                ratios.append(large_ms / small_ms)
                best_ratios.append(min(timings[large]) / min(timings[small]))
                label = f"{order.name} {'DESC' if descending else 'ASC'}"
                rows = f"{row_count(small, statement)}/{row_count(large, statement)}"
                print(
                    f"{label:<22} {filter_name:<17} {rows:>9} {small_ms:9.2f} {large_ms:9.2f} "
                    f"{large_ms / small_ms:6.2f} {best_ratios[-1]:13.2f}"
                )
                if args.explain:
                    print(explain(large, statement))
    print(f"ratio of medians large/small: median {statistics.median(ratios):.2f}, worst {max(ratios):.2f}")
    print(
        f"ratio of best times large/small: median {statistics.median(best_ratios):.2f}, "
        f"worst {max(best_ratios):.2f} (goal: at most 1.5)"
    )
    small.dispose()
    large.dispose()


if __name__ == "__main__":
    main()
