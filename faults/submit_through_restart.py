"""Fault test: customers keep submitting through gunicorn while PostgreSQL is restarted; nothing acknowledged is lost.

Run from the project root (as root or as any user that may run PostgreSQL's binaries):

    .venv/bin/python faults/submit_through_restart.py [--clients 16] [--seconds 40] [--down 2]

Starts its own PostgreSQL (initdb into a temporary folder, a free port from 5440,
never the shared server), migrates a database there and loads the demo surveys,
serves Touchloop with gunicorn, and lets ``--clients`` phones answer the 'purchase'
survey for ``--seconds``. Halfway through, PostgreSQL is shut down (fast: every
connection cut, open transactions rolled back), kept down ``--down`` seconds and
started again (``--down 0``: ``pg_ctl restart -m fast``). A phone that is told
"try again" (503) presses Submit again, with the form the 503 page gave back.

Then it checks: every acknowledged submission (303 to the thank-you page) is in
the database exactly once, with all its answers; no phone ever got a 500, another
error, or a dropped connection; the outage was seen as 503s; forms that had to be
retried were acknowledged. It prints the counts and exits 1 on any violation.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.servers import Gunicorn, GunicornSettings, prepare_touchloop_database, recreate_postgres_database  # noqa: E402
from faults.postgres_cluster import PostgresCluster  # noqa: E402
from faults.visitors import Customer, Tally  # noqa: E402

STORED = """
SELECT r.submission_key, count(DISTINCT r.id) AS responses, count(a.id) AS answers
FROM response r LEFT JOIN answer a ON a.response_id = r.id
GROUP BY r.submission_key
"""


def run_customers(port: int, cluster: PostgresCluster, options) -> tuple[Tally, tuple[float, float]]:
    """Let the phones submit, restart PostgreSQL halfway, and wait for every phone to finish."""
    tally, started = Tally(), time.time()
    stop_at = started + options.seconds
    customers = [Customer(port, tally, seed, stop_at, stop_at + options.give_up) for seed in range(options.clients)]
    threads = [threading.Thread(target=customer.run, daemon=True) for customer in customers]
    for thread in threads:
        thread.start()
    time.sleep(options.seconds / 2)
    print(f"restarting PostgreSQL after {time.time() - started:.1f} s ({tally.sent} forms sent so far)", flush=True)
    outage = cluster.restart(options.down)
    print(f"PostgreSQL back after {outage[1] - outage[0]:.1f} s", flush=True)
    for thread in threads:
        thread.join()
    return tally, outage


def check_storage(url: str, tally: Tally) -> dict:
    """Compare the database with what the phones were told; record violations; the stored counts."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        stored = {key: (responses, answers) for key, responses, answers in connection.execute(sa.text(STORED))}
    engine.dispose()
    for key, rows in tally.acknowledged.items():
        responses, answers = stored.get(key, (0, 0))
        if responses != 1:
            tally.violation(f"acknowledged form {key} is stored {responses} times")
        elif answers != rows:
            tally.violation(f"acknowledged form {key} is stored with {answers} of its {rows} answers")
    duplicates = sum(1 for responses, _ in stored.values() if responses > 1)
    return {
        "stored": sum(responses for responses, _ in stored.values()),
        "stored_twice": duplicates,
        "stored_unacknowledged": len(set(stored) - set(tally.acknowledged)),
    }


def counts(tally: Tally, storage: dict, outage: tuple[float, float]) -> dict:
    """The figures the report prints."""
    grace = 10.0  # pooled connections found dead just after the restart still count as the outage
    during = [what for when, what in tally.unavailable if outage[0] - 1 <= when <= outage[1] + grace]
    return {
        "sent": tally.sent,
        "posts": tally.posts,
        "acknowledged": len(tally.acknowledged),
        "503_during_outage": len(during),
        "503_outside_outage": len(tally.unavailable) - len(during),
        "503_by_page": {what: sum(1 for _, w in tally.unavailable if w == what) for what in ("page", "post", "thanks")},
        "retried_then_acknowledged": tally.retried,
        "resubmitted_acknowledged_again": tally.resubmitted,
        **storage,
        "outage_seconds": round(outage[1] - outage[0], 1),
        "violations": len(tally.violations),
    }


def main() -> int:
    """Set up, run, check; 0 when every promise held."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=40.0, help="how long phones start new visits")
    parser.add_argument("--down", type=float, default=2.0, help="seconds PostgreSQL stays down (0: pg_ctl restart)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--give-up", type=float, default=90.0, help="seconds after the end a phone stops retrying")
    parser.add_argument("--json", type=Path, help="also write the counts here")
    options = parser.parse_args()
    cluster = PostgresCluster()
    try:
        cluster.start()
        url = recreate_postgres_database(cluster.url, "touchloop")
        prepare_touchloop_database(url)
        with tempfile.TemporaryDirectory(prefix="touchloop-fault-") as folder:
            log = Path(folder) / "gunicorn.log"
            with Gunicorn("wsgi:app", ROOT, url, GunicornSettings(options.workers), log) as server:
                print(f"PostgreSQL on port {cluster.port}, gunicorn on {server.port}, {options.clients} phones")
                tally, outage = run_customers(server.port, cluster, options)
            result = counts(tally, check_storage(url, tally), outage)
            if result["503_during_outage"] == 0:
                tally.violation("no phone saw the outage (no 503): the test proved nothing; use more --clients")
            result["violations"] = len(tally.violations)
            print(json.dumps(result, indent=2))
            for text in tally.violations[:20]:
                print("VIOLATION:", text)
            if tally.violations:
                kept = Path(tempfile.gettempdir()) / "touchloop-fault-gunicorn.log"
                kept.write_text(log.read_text())
                print(f"gunicorn's log is in {kept}")
    finally:
        cluster.stop()
    if options.json:
        options.json.write_text(json.dumps(result, indent=2) + "\n")
    print("fault test: " + ("FAILED" if tally.violations else "passed"))
    return 1 if tally.violations else 0


if __name__ == "__main__":
    sys.exit(main())
