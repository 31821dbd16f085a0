"""The dashboard query under load: acctgraph against a bare Starlette route and PostGraphile 4.14.1.

    python bench/api_load.py [--postgres-url URL | --sqlite] [--workers N] [--accounts 100000]
                             [--duration S] [--rounds R] [--no-postgraphile] [--compare-workers N]

One command, not run in CI (issue 14). It loads the demo book (plus health and alerts) into a throwaway
database, starts each server as its own process (one uvicorn worker unless ``--workers``, access logs
off for all alike), checks that they give equal answers for pages of 10, 50 and 100 accounts, then runs
c=1, 10 and 50 concurrent clients in interleaved rounds with wrk (a Python generator when wrk is
missing) and prints req/s, p50, p99, the ratios between servers and the cost per extra account in the
page. PostGraphile runs when ``npx``/``npm`` exist (installed into a temporary folder; its computed
columns are SQL functions in a schema of their own), on PostgreSQL only. ``--accounts N`` then grows the
book with ``bench/grow_book.py`` and times the first page of every ordering before and after.
``--compare-workers N`` adds acctgraph with N worker processes to the same rounds: its req/s against one
worker's says whether throughput scales with cores.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BIN = Path(sys.executable).parent
POSTGRAPHILE = "postgraphile@4.14.1"

DASHBOARD = """query Dashboard($first: Int!, $order: AccountOrder, $filter: AccountFilter) {
  accounts(first: $first, orderBy: $order, filter: $filter) { nodes {
    name owner { name } arr { amountMinor } health { score band } nextRenewal { endDate }
    alerts(statuses: [OPEN], first: 0) { totalCount } } } }"""

POSTGRAPHILE_DASHBOARD = """query Dashboard($first: Int!) {
  allAccounts(first: $first, orderBy: [ARR_DESC, PRIMARY_KEY_DESC], condition: {deletedAt: null, archivedAt: null}) {
    nodes { name userByOwnerId { name } arr healthScore healthBand nextRenewalEndDate openAlertCount } } }"""

ORDERINGS = ("NAME", "ARR", "HEALTH_SCORE", "RENEWAL_DATE", "UPDATED_AT")
COMMON_FILTER = {"segments": ["ENTERPRISE", "MID_MARKET"], "lifecycleStages": ["ACTIVE", "AT_RISK"]}
PAGE_SIZES = (10, 50, 100)
CONCURRENCY = (1, 10, 50)


@dataclass
class Server:
    """A running server and how to ask it for a dashboard page of ``first`` accounts."""

    name: str
    url: str
    body: Callable[[int], dict[str, Any]]
    headers: dict[str, str] = field(default_factory=dict)
    normalise: Callable[[Any], Any] = lambda answer: answer["data"]["accounts"]["nodes"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(command: list[str], env: dict[str, str], **kwargs: Any) -> str:
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False, **kwargs)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result.stdout


@contextlib.contextmanager
def throwaway_database(postgres_url: str | None) -> Iterator[str]:
    """A fresh database URL, dropped afterwards: PostgreSQL (a new database on that server) or a SQLite file."""
    if postgres_url is None:
        with tempfile.TemporaryDirectory(prefix="acctgraph-bench-") as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    name = f"acctgraph_api_load_{os.getpid()}"
    admin = create_engine(make_url(postgres_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def load_demo(env: dict[str, str]) -> str:
    """Migrate, load the demo book, score health and raise alerts; return the demo admin's key."""
    run([str(BIN / "acctgraph"), "db", "upgrade"], env)
    output = run([str(BIN / "acctgraph"), "demo"], env)
    run([str(BIN / "acctgraph"), "health", "compute"], env)
    if "refresh-summaries" in run([str(BIN / "acctgraph"), "accounts", "--help"], env):
        run([str(BIN / "acctgraph"), "accounts", "refresh-summaries"], env)
    found = re.search(r"API key: (\S+)", output)
    if not found:
        sys.exit(f"no API key in the demo's output:\n{output}")
    return found.group(1)


@contextlib.contextmanager
def process(command: list[str], env: dict[str, str], ready_url: str, cwd: Path = ROOT) -> Iterator[None]:
    with tempfile.TemporaryFile() as log:
        child = subprocess.Popen(command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_ready(child, command, ready_url, log)
            yield
        finally:
            child.terminate()
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()


def _wait_until_ready(child: subprocess.Popen[bytes], command: list[str], ready_url: str, log: Any) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if child.poll() is not None:
            log.seek(0)
            sys.exit(f"{' '.join(command)} exited:\n{log.read().decode()[-3000:]}")
        try:
            httpx.get(ready_url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    sys.exit(f"{' '.join(command)} did not start in 120 s")


def uvicorn_command(app: str, port: int, workers: int, app_dir: Path | None = None) -> list[str]:
    command = [str(BIN / "uvicorn"), app, "--factory", "--port", str(port), "--workers", str(workers)]
    command += ["--no-access-log", "--log-level", "warning", "--loop", "uvloop", "--http", "httptools"]
    return command + (["--app-dir", str(app_dir)] if app_dir else [])


def acctgraph_server(
    env: dict[str, str], key: str, workers: int, stack: contextlib.ExitStack, name: str = "acctgraph"
) -> Server:
    port = free_port()
    stack.enter_context(
        process(uvicorn_command("acctgraph.app:create_app", port, workers), env, f"http://127.0.0.1:{port}/healthz")
    )
    return Server(
        name,
        f"http://127.0.0.1:{port}/graphql",
        lambda first: {
            "query": DASHBOARD,
            "variables": {"first": first, "order": {"field": "ARR", "direction": "DESC"}},
        },
        {"Authorization": f"Bearer {key}"},
    )


def bare_server(env: dict[str, str], workers: int, stack: contextlib.ExitStack) -> Server:
    port = free_port()
    stack.enter_context(
        process(
            uvicorn_command("bare_dashboard:create_app", port, workers, BENCH), env, f"http://127.0.0.1:{port}/none"
        )
    )
    return Server("bare route", f"http://127.0.0.1:{port}/dashboard", lambda first: {"first": first})


def postgraphile_functions(database_url: str) -> str:
    """Schema ``postgraphile_bench``: views of accounts and users (smart comments give their keys) and the
    computed columns as SQL functions on them (ARR through the domain's MRR SQL for today, as the bare
    route has it). PostGraphile wants a computed column in its table's schema, hence the views."""
    from acctgraph.domain.mrr import mrr_by_account

    engine = create_engine(make_url(database_url).set(drivername="postgresql+psycopg"))
    today = datetime.now(UTC).date()
    mrr = mrr_by_account(today, "USD").compile(engine, compile_kwargs={"literal_binds": True})
    script = f"""
DROP SCHEMA IF EXISTS postgraphile_bench CASCADE;
CREATE SCHEMA postgraphile_bench;
CREATE VIEW postgraphile_bench.users AS SELECT id, name FROM public.users;
COMMENT ON VIEW postgraphile_bench.users IS E'@primaryKey id';
CREATE VIEW postgraphile_bench.accounts AS
  SELECT id, name, owner_id, deleted_at, archived_at FROM public.accounts;
COMMENT ON VIEW postgraphile_bench.accounts IS
  E'@primaryKey id\n@foreignKey (owner_id) references postgraphile_bench.users (id)';
CREATE FUNCTION postgraphile_bench.accounts_arr(a postgraphile_bench.accounts) RETURNS bigint STABLE
  LANGUAGE sql AS $$ SELECT coalesce((SELECT m.mrr_minor FROM ({mrr}) m WHERE m.account_id = a.id), 0) * 12 $$;
COMMENT ON FUNCTION postgraphile_bench.accounts_arr(postgraphile_bench.accounts) IS E'@sortable';
CREATE FUNCTION postgraphile_bench.accounts_health_score(a postgraphile_bench.accounts) RETURNS int STABLE
  LANGUAGE sql AS $$ SELECT score FROM public.health_snapshots WHERE account_id = a.id ORDER BY day DESC LIMIT 1 $$;
CREATE FUNCTION postgraphile_bench.accounts_health_band(a postgraphile_bench.accounts) RETURNS text STABLE
  LANGUAGE sql AS $$
  SELECT upper(band) FROM public.health_snapshots WHERE account_id = a.id ORDER BY day DESC LIMIT 1 $$;
CREATE FUNCTION postgraphile_bench.accounts_next_renewal_end_date(a postgraphile_bench.accounts) RETURNS date
  STABLE LANGUAGE sql AS $$ SELECT min(end_date) FROM public.contracts WHERE account_id = a.id
  AND status = 'active' AND end_date >= '{today.isoformat()}' AND deleted_at IS NULL $$;
CREATE FUNCTION postgraphile_bench.accounts_open_alert_count(a postgraphile_bench.accounts) RETURNS int STABLE
  LANGUAGE sql AS $$ SELECT count(*)::int FROM public.alerts WHERE account_id = a.id AND status = 'open' $$;
"""
    with engine.begin() as connection:
        connection.exec_driver_sql(script)
    engine.dispose()
    return "postgraphile_bench"


def _from_postgraphile(answer: Any) -> Any:
    return [
        {
            "name": node["name"],
            "owner": node["userByOwnerId"],
            "arr": {"amountMinor": int(node["arr"])},
            "health": None
            if node["healthScore"] is None
            else {"score": node["healthScore"], "band": node["healthBand"]},
            "nextRenewal": None if node["nextRenewalEndDate"] is None else {"endDate": node["nextRenewalEndDate"]},
            "alerts": {"totalCount": node["openAlertCount"]},
        }
        for node in answer["data"]["allAccounts"]["nodes"]
    ]


def postgraphile_server(database_url: str, stack: contextlib.ExitStack) -> Server | None:
    npm = shutil.which("npm")
    if npm is None or shutil.which("npx") is None:
        print("PostGraphile: skipped (no npx)")
        return None
    folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="postgraphile-"))
    installed = subprocess.run([npm, "install", "--prefix", folder, POSTGRAPHILE], capture_output=True, check=False)
    if installed.returncode != 0:
        print(f"PostGraphile: skipped (npm install failed: {installed.stderr.decode()[-300:]})")
        return None
    schemas = postgraphile_functions(database_url)
    port = free_port()
    command = [f"{folder}/node_modules/.bin/postgraphile", "-c", database_url, "--schema", schemas]
    command += ["--port", str(port), "--host", "127.0.0.1", "--disable-query-log", "--disable-default-mutations"]
    command += ["--no-ignore-rbac", "--cors"]
    env = {**os.environ, "NODE_ENV": "production"}
    stack.enter_context(process(command, env, f"http://127.0.0.1:{port}/graphql"))
    return Server(
        "PostGraphile",
        f"http://127.0.0.1:{port}/graphql",
        lambda first: {"query": POSTGRAPHILE_DASHBOARD, "variables": {"first": first}},
        normalise=_from_postgraphile,
    )


def answer(server: Server, first: int) -> Any:
    response = httpx.post(server.url, json=server.body(first), headers=server.headers, timeout=60)
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        sys.exit(f"{server.name} answered {response.status_code}: {json.dumps(body)[:1000]}")
    return server.normalise(body)


def check_equal_answers(servers: list[Server]) -> None:
    for first in PAGE_SIZES:
        reference = answer(servers[0], first)
        if len(reference) != first:
            sys.exit(f"{servers[0].name} gave {len(reference)} accounts for first={first}")
        for server in servers[1:]:
            other = answer(server, first)
            if other != reference:
                difference = next((a, b) for a, b in zip(reference, other, strict=False) if a != b)
                sys.exit(f"{server.name} and {servers[0].name} differ at first={first}: {difference}")
    print(f"answers: equal for pages of {', '.join(map(str, PAGE_SIZES))} ({', '.join(s.name for s in servers)})")


@dataclass
class Figures:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int = 0


WRK_SCRIPT = """wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
{headers}
done = function(summary, latency, requests)
  io.write(string.format("FIGURES %f %f %f %d\\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def wrk(server: Server, first: int, clients: int, seconds: float) -> Figures:
    headers = "\n".join(f'wrk.headers["{name}"] = {json.dumps(value)}' for name, value in server.headers.items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT.format(body=json.dumps(json.dumps(server.body(first))), headers=headers))
        script.flush()
        threads = min(2, clients)
        command = [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(clients),
            "-d",
            f"{max(1, round(seconds))}s",
            "--timeout",
            "30s",
        ]
        output = subprocess.run([*command, "-s", script.name, server.url], capture_output=True, text=True, check=True)
    found = re.search(r"FIGURES (\S+) (\S+) (\S+) (\d+)", output.stdout)
    if not found:
        sys.exit(f"wrk gave no figures:\n{output.stdout}\n{output.stderr}")
    return Figures(float(found[1]), float(found[2]), float(found[3]), int(found[4]))


async def _python_load(server: Server, first: int, clients: int, seconds: float) -> Figures:
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    body = json.dumps(server.body(first)).encode()
    # wrk asks for no compression; httpx would ask for gzip, which only some servers here apply.
    headers = {**server.headers, "Content-Type": "application/json", "Accept-Encoding": "identity"}
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def one_client() -> None:
            nonlocal errors
            while time.monotonic() < stop:
                started = time.perf_counter()
                response = await client.post(server.url, content=body, headers=headers)
                latencies.append(time.perf_counter() - started)
                errors += response.status_code != 200

        started = time.monotonic()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        elapsed = time.monotonic() - started
    ordered = sorted(latencies)
    return Figures(
        len(ordered) / elapsed,
        statistics.median(ordered) * 1000,
        ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        errors,
    )


def load(server: Server, first: int, clients: int, seconds: float) -> Figures:
    if shutil.which("wrk"):
        return wrk(server, first, clients, seconds)
    return asyncio.run(_python_load(server, first, clients, seconds))


def interleaved(
    servers: list[Server], cases: list[tuple[int, int]], rounds: int, seconds: float
) -> dict[tuple[str, int, int], Figures]:
    """Each case on each server, rounds interleaved (the order rotating), the median of the rounds."""
    runs: dict[tuple[str, int, int], list[Figures]] = {}
    for round_number in range(rounds):
        for first, clients in cases:
            order = servers[round_number % len(servers) :] + servers[: round_number % len(servers)]
            for server in order:
                load(server, first, clients, 1.0)  # warm up this shape (plan caches, connections)
                answer(server, 10)  # wait for requests left over from the warm-up
                runs.setdefault((server.name, first, clients), []).append(load(server, first, clients, seconds))
                answer(server, 10)  # ... and from this run, so they do not slow the next server's
    return {
        key: Figures(
            statistics.median(f.requests_per_second for f in figures),
            statistics.median(f.p50_ms for f in figures),
            statistics.median(f.p99_ms for f in figures),
            sum(f.errors for f in figures),
        )
        for key, figures in runs.items()
    }


def _ratio(mine: float, theirs: float) -> str:
    return f"x{mine / theirs:.2f}" if theirs else "n/a"


def print_load(servers: list[Server], results: dict[tuple[str, int, int], Figures], first: int) -> None:
    print(f"\npage of {first} accounts, ordered by ARR (median of the rounds)")
    print(f"{'server':<14}" + "".join(f"{f'c={c} req/s':>12}{'p50 ms':>9}{'p99 ms':>9}" for c in CONCURRENCY))
    for server in servers:
        cells = ""
        for clients in CONCURRENCY:
            figures = results[(server.name, first, clients)]
            cells += f"{figures.requests_per_second:>12.1f}{figures.p50_ms:>9.1f}{figures.p99_ms:>9.1f}"
            if figures.errors:
                cells += f" ({figures.errors} errors)"
        print(f"{server.name:<14}{cells}")
    ours = servers[0].name
    for other in servers[1:]:
        ratios = []
        for clients in CONCURRENCY:
            mine, theirs = results[(ours, first, clients)], results[(other.name, first, clients)]
            ratios.append(
                f"c={clients}: req/s {_ratio(mine.requests_per_second, theirs.requests_per_second)}, "
                f"p50 {_ratio(mine.p50_ms, theirs.p50_ms)}, p99 {_ratio(mine.p99_ms, theirs.p99_ms)}"
            )
        print(f"  {ours} / {other.name}: " + "; ".join(ratios))
    for server in servers:
        by_clients = [results[(server.name, first, c)].requests_per_second for c in CONCURRENCY]
        print(f"  {server.name}: req/s c=50 / c=1 = {_ratio(by_clients[-1], by_clients[0])}")


def print_per_account(servers: list[Server], results: dict[tuple[str, int, int], Figures]) -> None:
    print("\ncost per extra account in the page (c=1, p50 at 100 minus p50 at 10, over 90 accounts)")
    costs = {}
    for server in servers:
        costs[server.name] = (results[(server.name, 100, 1)].p50_ms - results[(server.name, 10, 1)].p50_ms) / 90
        sizes = ", ".join(f"{first}: {results[(server.name, first, 1)].p50_ms:.2f} ms" for first in PAGE_SIZES)
        print(f"  {server.name:<14}{costs[server.name]:8.3f} ms/account   (p50 {sizes})")
    for other in servers[1:]:
        if costs[other.name] > 0:
            print(f"  {servers[0].name} / {other.name}: {_ratio(costs[servers[0].name], costs[other.name])}")


def ordering_times(server: Server, repeat: int = 15) -> dict[str, float]:
    """Median ms of the first page (20) of every ordering, with and without the common filter."""
    times: dict[str, float] = {}
    with httpx.Client(timeout=60) as client:
        for ordering in ORDERINGS:
            for filtered in (False, True):
                variables: dict[str, Any] = {"first": 20, "order": {"field": ordering, "direction": "DESC"}}
                if filtered:
                    variables["filter"] = COMMON_FILTER
                body = {"query": DASHBOARD, "variables": variables}
                samples = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    response = client.post(server.url, json=body, headers=server.headers)
                    samples.append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200 or "errors" in response.json():
                        sys.exit(f"{ordering} failed: {response.text[:500]}")
                times[f"{ordering}{' +filter' if filtered else ''}"] = statistics.median(samples[2:])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead: acctgraph against the bare route.")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--accounts", type=int, default=None, help="Grow the book to this many accounts too.")
    parser.add_argument("--duration", type=float, default=5.0, help="Seconds per measurement.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-postgraphile", action="store_true")
    parser.add_argument("--orderings-only", action="store_true", help="With --accounts: skip the load runs.")
    parser.add_argument("--reuse-database", default=None, help="A loaded database to use as is (with --api-key).")
    parser.add_argument("--api-key", default=None)
    parser.add_argument(
        "--with-resolvers", action="store_true", help="Also acctgraph with ACCTGRAPH_COMPILED_READS=false."
    )
    parser.add_argument(
        "--compare-workers",
        type=int,
        default=None,
        metavar="N",
        help="Also acctgraph with N worker processes, in the same interleaved rounds (does it scale with cores?).",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(BENCH))
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; cores: {os.cpu_count()}")
    database = contextlib.nullcontext(args.reuse_database) if args.reuse_database else None
    with database or throwaway_database(None if args.sqlite else args.postgres_url) as database_url:
        env = {**os.environ, "ACCTGRAPH_DATABASE_URL": database_url, "ACCTGRAPH_ACCESS_LOG": "false"}
        started = time.monotonic()
        key = args.api_key if args.reuse_database else load_demo(env)
        print(
            f"database: {make_url(database_url).get_backend_name()}, demo loaded in {time.monotonic() - started:.0f} s"
        )
        with contextlib.ExitStack() as stack:
            servers = [acctgraph_server(env, key, args.workers, stack), bare_server(env, args.workers, stack)]
            if args.with_resolvers:
                resolvers_env = {**env, "ACCTGRAPH_COMPILED_READS": "false"}
                servers.append(acctgraph_server(resolvers_env, key, args.workers, stack, "resolvers"))
            if args.compare_workers:
                servers.append(
                    acctgraph_server(env, key, args.compare_workers, stack, f"acctgraph x{args.compare_workers}")
                )
            if make_url(database_url).get_backend_name() == "postgresql" and not args.no_postgraphile:
                graphile = postgraphile_server(database_url, stack)
                if graphile is not None:
                    servers.append(graphile)
            check_equal_answers(servers)
            if not args.orderings_only:
                load_runs(servers, args)
            if args.accounts:
                grow_and_compare(servers, env, database_url, args.accounts)
    print(f"\nload average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def load_runs(servers: list[Server], args: argparse.Namespace) -> None:
    cases = [(100, c) for c in CONCURRENCY] + [(first, 1) for first in PAGE_SIZES if first != 100]
    results = interleaved(servers, cases, args.rounds, args.duration)
    generator = "wrk" if shutil.which("wrk") else "python"
    print(f"\n{args.workers} worker(s) each, {args.rounds} rounds of {args.duration:g} s, load generator: {generator}")
    print_load(servers, results, 100)
    print_per_account(servers, results)


def grow_and_compare(servers: list[Server], env: dict[str, str], database_url: str, accounts: int) -> None:
    grow = BENCH / "grow_book.py"
    if not grow.exists():
        print("\n--accounts: skipped (bench/grow_book.py is not on this branch yet)")
        return
    before, dashboards_before = ordering_times(servers[0]), dashboard_times(servers)
    started = time.monotonic()
    run([sys.executable, str(grow), "--accounts", str(accounts), database_url], env)
    print(f"\ngrew the book to {accounts} accounts in {time.monotonic() - started:.0f} s")
    after, dashboards_after = ordering_times(servers[0]), dashboard_times(servers)
    print(f"first page (20) of each ordering, acctgraph, median ms: 500 accounts -> {accounts} accounts")
    for name, at_500 in before.items():
        print(f"  {name:<22}{at_500:8.1f}{after[name]:10.1f}   x{after[name] / at_500:.2f}")
    print(f"the dashboard's first page (20, by ARR), median ms: 500 accounts -> {accounts} accounts")
    for name, at_500 in dashboards_before.items():
        print(f"  {name:<22}{at_500:8.1f}{dashboards_after[name]:10.1f}   x{dashboards_after[name] / at_500:.2f}")


def dashboard_times(servers: list[Server], repeat: int = 9) -> dict[str, float]:
    times = {}
    for server in servers:
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            answer(server, 20)
            samples.append((time.perf_counter() - started) * 1000)
        times[server.name] = statistics.median(samples[2:])
    return times


if __name__ == "__main__":
    main()
