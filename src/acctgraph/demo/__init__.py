"""Demo data: a realistic, deterministic book of accounts for trying acctgraph out.

``plan_book`` plans it (pure: the same seed and day give the same book), ``load_book`` writes it in
one transaction and records every row in ``external_refs`` under source ``demo``.
"""

from acctgraph.demo.accounts import MAX_ACCOUNTS
from acctgraph.demo.book import DEFAULT_ACCOUNTS, DEFAULT_SEED, MIN_ACCOUNTS, plan_book
from acctgraph.demo.catalog import UnsupportedReportingCurrency
from acctgraph.demo.loader import SOURCE, DemoConflict, LoadResult, load_book, loaded_demo_accounts
from acctgraph.demo.plan import BookPlan
from acctgraph.demo.team import ADMIN_EMAIL

__all__ = [
    "ADMIN_EMAIL",
    "DEFAULT_ACCOUNTS",
    "DEFAULT_SEED",
    "MAX_ACCOUNTS",
    "MIN_ACCOUNTS",
    "SOURCE",
    "BookPlan",
    "DemoConflict",
    "LoadResult",
    "UnsupportedReportingCurrency",
    "load_book",
    "loaded_demo_accounts",
    "plan_book",
]
