"""How fast the admin customer list is with 100,000 customers.

Seeds a temporary SQLite database (or an empty one given with --database-url)
with demo-like customers in bulk, then times pages of /admin/customers through
the test client (median of --repeat runs, after one warm-up) and prints them
next to floors measured in the same run: ``SELECT COUNT(*) FROM customer`` and
the admin home page (sign-in check, menu, template). Ratios, not absolute
times, are what to compare between machines.

    .venv/bin/python bench/customers_list.py [--customers 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Customer, Role, User  # noqa: E402
from app.services.demo.customers import make_customers  # noqa: E402
from app.services.survey_loading import load_catalog  # noqa: E402
from touchloop.catalog import read_catalog  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "benchmark password"
SCENARIOS = [
    ("filtered + searched (tier=A, region=east, q=王)", "/admin/customers?tier=A&region=east&q=王"),
    ("years band + lifecycle filter", "/admin/customers?years_as_customer=over_5&lifecycle=mature"),
    (
        "rare filter combination (lost, west, education)",
        "/admin/customers?lifecycle=lost&region=west&industry=education",
    ),
    ("search, id prefix in lower case (q=bench-0999)", "/admin/customers?q=bench-0999"),
    ("search, no match (q=nobody)", "/admin/customers?q=nobody"),
]


def main() -> None:
    """Seed, sign in, time, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="an empty database to use instead of a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SQLALCHEMY_ENGINE_OPTIONS": {}})
        with app.app_context():
            seed(args.customers)
            deep_id = customer_at(int(args.customers * 0.9))
        client = app.test_client()
        sign_in(client)
        report(app, client, deep_id, args.repeat)
        with app.app_context():
            db.engine.dispose()


def seed(count: int) -> None:
    """Migrate, load the demo journey and surveys, bulk-insert ``count`` customers and an admin."""
    from flask_migrate import upgrade

    upgrade()
    if db.session.scalar(sa.select(sa.func.count()).select_from(Customer)):
        sys.exit("the database already has customers; give an empty one")
    load_catalog(db.session, read_catalog(ROOT / "surveys"))
    started = time.perf_counter()
    people = make_customers(random.Random(7), count, date.today())
    rows = [
        {
            "external_id": f"BENCH-{n:06d}",
            "name": p.name,
            "email": f"c{n:06d}@example.com",
            "region": p.region,
            "industry": p.industry,
            "customer_since": p.customer_since,
            "annual_value": p.annual_value,
            "tier": p.tier,
            "lifecycle": p.lifecycle,
        }
        for n, p in enumerate(people, start=1)
    ]
    for start in range(0, len(rows), 10_000):
        db.session.execute(sa.insert(Customer), rows[start : start + 10_000])
    admin = User(email="bench@example.com", name="Bench", role=Role.ADMIN)
    admin.set_password(PASSWORD)
    db.session.add(admin)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE customer"))
    else:
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    print(f"seeded {count:,} customers in {time.perf_counter() - started:.1f} s ({db.engine.dialect.name})")


def customer_at(position: int) -> int:
    """The id of the customer at ``position`` in the list's (name, id) order, for a deep page."""
    return db.session.scalar(sa.select(Customer.id).order_by(Customer.name, Customer.id).offset(position).limit(1))


def sign_in(client) -> None:
    """Sign in through the real form."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    data = {"csrf_token": token.group(1) or token.group(2), "email": "bench@example.com", "password": PASSWORD}
    assert client.post("/login", data=data).status_code == 302, "could not sign in"


def median_ms(action, repeat: int) -> float:
    """The median wall time of ``action`` in milliseconds, after one warm-up run."""
    action()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def report(app, client, deep_id: int, repeat: int) -> None:
    """Time the floors and the pages; print milliseconds and ratios to the COUNT(*) floor."""

    def count_all():
        with app.app_context():
            db.session.scalar(sa.text("SELECT COUNT(*) FROM customer"))

    def page(path):
        def fetch():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return fetch

    floor = median_ms(count_all, repeat)
    timings = [
        ("floor: SELECT COUNT(*) FROM customer", floor),
        ("floor: admin home page", median_ms(page("/admin/"), repeat)),
        ("first page", median_ms(page("/admin/customers"), repeat)),
        ("deep page (90% through, keyset)", median_ms(page(f"/admin/customers?after={deep_id}"), repeat)),
        ("previous page from there", median_ms(page(f"/admin/customers?before={deep_id}"), repeat)),
    ]
    timings += [(label, median_ms(page(path), repeat)) for label, path in SCENARIOS]
    print(f"{'':52} {'median ms':>10} {'× COUNT(*)':>11}")
    for label, ms in timings:
        print(f"{label:52} {ms:10.1f} {ms / floor:11.1f}")


if __name__ == "__main__":
    main()
