"""The database connector on a big shop: one person's access run, erasure dry run, package.

    .venv/bin/python bench/connectors.py [--customers 1000000] [--orders 10000000]
                                          [--heavy-rows 100000] [--repeat 5] [--keep]

Creates two PostgreSQL databases: the portal's (migrated) and a shop's with `--customers`
customers, `--orders` orders, an invoice per customer and a newsletter row for every other
one, indexed on the identity columns (lower(email)) and the keys (customer_id). One
customer, heavy@example.org, has `--heavy-rows` orders. The map is the demo shop's:
customers by e-mail, orders and invoices through customer_id, the newsletter by e-mail.

Then, in this process with the tasks run eagerly (no broker in the measurement): an access
run for an ordinary customer, from `runs.start` until the part's rows are stored, and an
erasure dry run, each `--repeat` times. And, in a fresh process as a worker would be, the
heavy customer's access run and then its answer package, with that process's peak memory.
Prints the figures and PASS/FAIL against: access < 1 s, dry run < 1 s, package < 10 s with
the process's peak memory < 200 MB. See docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import statistics
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (  # noqa: E402
    PG_SERVER,
    code_version,
    drop_database,
    exit_on_sigterm,
    machine,
    manage,
    portal_env,
    recreate_database,
    run_python,
    setup_django,
    wait_for_idle,
)

TARGET_ACCESS_S = 1.0
TARGET_DRY_RUN_S = 1.0
TARGET_PACKAGE_S = 10.0
TARGET_PEAK_MB = 200.0
HEAVY = "heavy@example.org"
ORDINARY = "customer{}@example.org"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--heavy-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database", default="privacyportal_bench_connectors")
    parser.add_argument("--shop", default="bench_connectors_shop")
    parser.add_argument("--keep", action="store_true", help="keep both databases")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # the package's process
    return parser.parse_args()


def fill_shop(url: str, customers: int, orders: int, heavy_rows: int) -> float:
    """The shop's rows by generate_series, then its indexes; seconds it took."""
    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as shop:
        shop.execute(
            "CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL, name text, "
            "phone text, created_at timestamptz NOT NULL DEFAULT now())"
        )
        shop.execute(
            "CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL, "
            "shipping_address text, phone text, total numeric(10, 2), ordered_at timestamptz)"
        )
        shop.execute(
            "CREATE TABLE invoices (id bigserial PRIMARY KEY, customer_id bigint NOT NULL, "
            "number text, amount numeric(10, 2), issued_on date)"
        )
        shop.execute(
            "CREATE TABLE newsletter (id bigserial PRIMARY KEY, email text, subscribed_at date)"
        )
        shop.execute(
            "INSERT INTO customers (id, email, name, phone) SELECT i, "
            "CASE WHEN i = 1 THEN %s ELSE 'customer' || i || '@example.org' END, "
            "'Customer ' || i, '+49 30 ' || i FROM generate_series(1, %s) AS i",
            (HEAVY, customers),
        )
        shop.execute(
            "INSERT INTO orders (customer_id, shipping_address, phone, total, ordered_at) "
            "SELECT 2 + i %% (%s - 1), 'Street ' || i, '+49 30 ' || i, (i %% 9000) / 100.0, "
            "now() - (i %% 1000) * interval '1 day' FROM generate_series(1, %s) AS i",
            (customers, orders - heavy_rows),
        )
        shop.execute(
            "INSERT INTO orders (customer_id, shipping_address, phone, total, ordered_at) "
            "SELECT 1, 'Heavy street ' || i, '+49 30 1', 9.99, now() "
            "FROM generate_series(1, %s) AS i",
            (heavy_rows,),
        )
        shop.execute(
            "INSERT INTO invoices (customer_id, number, amount, issued_on) "
            "SELECT i, 'INV-' || i, 19.99, current_date FROM generate_series(1, %s) AS i",
            (customers,),
        )
        shop.execute(
            "INSERT INTO newsletter (email, subscribed_at) SELECT email, current_date "
            "FROM customers WHERE id % 2 = 0"
        )
        shop.execute("CREATE INDEX ON customers (lower(email))")
        shop.execute("CREATE INDEX ON orders (customer_id)")
        shop.execute("CREATE INDEX ON invoices (customer_id)")
        shop.execute("CREATE INDEX ON newsletter (lower(email))")
        shop.execute("VACUUM ANALYZE")
    return time.monotonic() - started


def portal_ready(shop_url: str) -> None:
    """The shop as a connected system, and a tasks-run-eagerly Celery."""
    from privacyportal.celery import app as celery_app
    from requests_app.connectors.demo_shop import demo_tables
    from requests_app.models import DataSystem

    celery_app.conf.task_always_eager = True
    DataSystem.objects.update_or_create(
        name="Shop database",
        defaults={
            "kind": DataSystem.Kind.INTERNAL,
            "connector": DataSystem.Connector.DATABASE,
            "url_env": "BENCH_SHOP_DATABASE_URL",
            "tables": demo_tables(),
        },
    )


def confirmed_request(email: str):
    from requests_app import services

    request, _created = services.file_request(
        {
            "request_type": "access",
            "full_name": "Bench Customer",
            "email": email,
            "country": "DE",
            "details": "Everything you hold about me.",
        },
        language="en",
        ip_address="192.0.2.1",
        form_token=f"bench {email} {time.time()}",
    )
    request._confirm_email()
    return request


def timed_run(request, action: str, dry_run: bool = False) -> tuple[float, object]:
    """Seconds from runs.start until its one part ended, and the part."""
    from requests_app import runs

    started = time.perf_counter()
    run = runs.start(request, action, None, dry_run=dry_run)  # parts run on commit, eagerly
    elapsed = time.perf_counter() - started
    part = run.parts.get()
    if part.state != "done":
        sys.exit(f"the part ended {part.state}: {part.error}")
    return elapsed, part


def child(shop_url: str) -> None:
    """The heavy customer's access run and package, in a process of its own; prints JSON."""
    from requests_app import answer_package

    portal_ready(shop_url)
    request = confirmed_request(HEAVY)
    collected, part = timed_run(request, "access")
    started = time.perf_counter()
    answer_package.build(part.run, None)
    built = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    part.run.refresh_from_db()
    print(
        json.dumps(
            {
                "rows": part.rows,
                "collect_s": collected,
                "package_s": built,
                "package_mb": part.run.package.size / 1e6,
                "peak_mb": peak_mb,
            }
        )
    )


def main() -> None:
    args = parse_args()
    shop_url = f"{PG_SERVER.replace('postgres://', 'postgresql+psycopg://')}/{args.shop}"
    env = portal_env(
        args.database,
        None,
        BENCH_SHOP_DATABASE_URL=shop_url,
        ADMIN_REQUIRE_2FA="false",
        EMAIL_URL="dummymail://",  # the filings' confirmations are not the measurement
    )
    if args.child:
        setup_django(env)
        child(shop_url)
        return
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    try:
        recreate_database(args.database)
        recreate_database(args.shop)
        manage(env, "migrate", "--no-input")
        print(f"shop: {args.customers:,} customers, {args.orders:,} orders", flush=True)
        filled = fill_shop(f"{PG_SERVER}/{args.shop}", args.customers, args.orders, args.heavy_rows)
        print(f"filled and indexed in {filled:.1f} s", flush=True)
        busy = wait_for_idle(120)
        setup_django(env)
        portal_ready(shop_url)
        access, dry = [], []
        for number in range(args.repeat):
            request = confirmed_request(ORDINARY.format(1000 + number * 7919))
            access.append(timed_run(request, "access")[0])
            dry.append(timed_run(request, "erasure", dry_run=True)[0])
        heavy = json.loads(run_python(env, "bench/connectors.py", "--child", "1").splitlines()[-1])
        report(args, env, busy, access, dry, heavy)
    finally:
        if not args.keep:
            drop_database(args.database)
            drop_database(args.shop)


def report(args, env, busy: float, access: list, dry: list, heavy: dict) -> None:
    checks = [
        ("access run, one person, max", max(access), TARGET_ACCESS_S, "s"),
        ("erasure dry run, one person, max", max(dry), TARGET_DRY_RUN_S, "s"),
        (f"package of {heavy['rows']:,} rows", heavy["package_s"], TARGET_PACKAGE_S, "s"),
        ("worker's peak memory", heavy["peak_mb"], TARGET_PEAK_MB, "MB"),
    ]
    print(f"code: {code_version()}; busy cores before: {busy:.2f}")
    for key, value in machine(env).items():
        print(f"  {key}: {value}")
    print(
        f"access run: median {statistics.median(access) * 1000:.0f} ms, "
        f"max {max(access) * 1000:.0f} ms ({args.repeat} runs)"
    )
    print(
        f"erasure dry run: median {statistics.median(dry) * 1000:.0f} ms, "
        f"max {max(dry) * 1000:.0f} ms"
    )
    print(
        f"heavy customer: access run {heavy['collect_s']:.2f} s, "
        f"package {heavy['package_s']:.2f} s ({heavy['package_mb']:.1f} MB), "
        f"peak memory {heavy['peak_mb']:.0f} MB"
    )
    failed = False
    for name, value, target, unit in checks:
        ok = value < target
        failed |= not ok
        print(f"{'PASS' if ok else 'FAIL'} {name}: {value:.2f} {unit} (target < {target:g} {unit})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
