"""Benchmark: the journey overview and a segment comparison over 100,000 and 1,000,000 responses on PostgreSQL.

Run from the project root (PostgreSQL at 127.0.0.1:5432, user postgres):

    .venv/bin/python bench/analytics_overview.py [--sizes 100000 1000000] [--repeat 7] [--raw-repeat 3] [--reuse]

Creates the database ``touchloop_bench`` if needed (its schema is wiped unless ``--reuse``), builds it
from the migrations, loads the demo surveys and customers, and fills it in SQL (generate_series) with
demo-like responses, answers and segment snapshots: one latent mood per response, tier-A customers
expecting more, installers running late in the West; then rebuilds the rollup tables. It grows the data
to each size in turn and, in a fresh process, times (median of ``--repeat`` runs after a warm-up) the
journey overview and the same counts split by region through app.services.analytics, the same functions
reading the raw answers, and the plain SQL GROUP BY over the same answer rows (the floor); it checks that
rollups and raw answers give equal results. Prints the figures, their ratio and the measuring process's
peak memory, and writes bench/results/analytics_overview.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import date, datetime, timezone
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Customer  # noqa: E402
from app.services.analytics import (  # noqa: E402
    DIMENSION,
    TOUCHPOINT,
    TYPE,
    Filters,
    Segment,
    count_responses,
    count_tables,
    journey_overview,
    rebuild_rollups,
)
from app.services.demo.customers import make_customers  # noqa: E402
from app.services.survey_loading import load_catalog  # noqa: E402
from touchloop.catalog import read_catalog  # noqa: E402
from touchloop.classification import Classification  # noqa: E402

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
DATABASE = "touchloop_bench"
RESULTS = ROOT / "bench" / "results" / "analytics_overview.json"
CUSTOMERS_PER_RESPONSE = 0.1  # 1,000,000 responses from 100,000 customers
SURVEY_WEIGHTS = {
    "purchase": 30,
    "delivery-installation": 25,
    "after-sales-service": 25,
    "pre-purchase-consultation": 20,
}
CHANNEL_WEIGHTS = {"email": 45, "web": 20, "sms": 20, "store-sh-01": 5, "store-bj-02": 5, "store-gz-03": 5}

# Weighted picks are ranges of one uniform draw: a row per choice with its [low, high) share.
PICKS = """
CREATE TABLE IF NOT EXISTS bench_pick (kind text, low float8, high float8, ref int, survey_id int,
    touchpoint_id int, code text);
CREATE TABLE IF NOT EXISTS bench_customer (slot int PRIMARY KEY, customer_id int);
"""
RESPONSES = """
INSERT INTO response (submission_key, survey_id, survey_version_id, touchpoint_id, customer_id, channel, language,
                      started_at, submitted_at)
SELECT md5('bench' || g), s.survey_id, s.ref, s.touchpoint_id, c.customer_id, ch.code,
       CASE WHEN d.lang < 0.18 THEN 'en' ELSE 'zh' END,
       :today - d.days * interval '1 day' - interval '3 minutes', :today - d.days * interval '1 day'
FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS g
CROSS JOIN LATERAL (SELECT random() + g * 0 AS survey, random() AS channel, random() AS lang,
                           random() * 365 AS days, floor(random() * :slots)::int AS slot) AS d
JOIN bench_pick s ON s.kind = 'survey' AND d.survey >= s.low AND d.survey < s.high
JOIN bench_pick ch ON ch.kind = 'channel' AND d.channel >= ch.low AND d.channel < ch.high
JOIN bench_customer c ON c.slot = d.slot
"""
SEGMENTS = """
INSERT INTO response_segment (response_id, attribute, value)
SELECT r.id, s.attribute, s.value
FROM response r JOIN customer c ON c.id = r.customer_id
CROSS JOIN LATERAL (VALUES ('tier', c.tier), ('lifecycle', c.lifecycle), ('region', c.region),
    ('industry', c.industry),
    ('years_as_customer', CASE WHEN c.customer_since > (r.submitted_at - interval '1 year')::date THEN 'under_1'
                               WHEN c.customer_since > (r.submitted_at - interval '3 years')::date THEN 'from_1_to_3'
                               WHEN c.customer_since > (r.submitted_at - interval '5 years')::date THEN 'from_3_to_5'
                               ELSE 'over_5' END)) AS s(attribute, value)
WHERE r.id > :after AND s.value IS NOT NULL
"""
# mood: N(0, 0.9) + lifecycle + drift over the year; lift: tier-A customers expect more.
MOODS = """
CREATE TEMP TABLE bench_mood ON COMMIT DROP AS
SELECT r.id AS response_id, r.survey_version_id,
       0.9 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())
         + CASE c.lifecycle WHEN 'new' THEN 0.15 WHEN 'growing' THEN 0.1 WHEN 'declining' THEN -0.6
                            WHEN 'lost' THEN -1.0 ELSE 0 END
         - 0.35 + 0.6 * (1 - extract(epoch FROM :today - r.submitted_at) / (365 * 86400)) AS mood,
       CASE c.tier WHEN 'A' THEN 0.9 WHEN 'B' THEN 0.4 ELSE 0 END AS lift,
       c.region = 'west' AS west
FROM response r JOIN customer c ON c.id = r.customer_id
WHERE r.id > :after
"""
# Scores as app/services/demo/answers.py draws them; one option per choice; a comment from some unhappy customers.
ANSWERS = """
INSERT INTO answer (response_id, question_id, value, expected, choice, text)
SELECT m.response_id, q.id,
       CASE WHEN q.type = 'nps' THEN least(10, greatest(0, round(7.6 + 2.1 * m.mood + 0.8 * x.n1)))
            WHEN q.type = 'gap' THEN least(q.scale_max, greatest(q.scale_min, round(x.middle + x.spread * (
                 1.2 + m.mood + 0.6 * x.n1 - CASE WHEN q.code = 'punctuality' AND m.west THEN 1.6 ELSE 0 END))))
            WHEN q.scale_max IS NOT NULL THEN least(q.scale_max, greatest(q.scale_min, round(
                 x.middle + (q.scale_max - q.scale_min) / 5.0 * (1.1 + m.mood) + 0.5 * x.n1)))
       END,
       CASE WHEN q.type = 'gap' THEN least(q.scale_max, greatest(q.scale_min,
            round(x.middle + x.spread * (1.3 + m.lift + 0.7 * x.n2)))) END,
       o.code,
       CASE WHEN q.type = 'text' THEN 'The installer came two hours late and did not call ahead.' END
FROM bench_mood m
JOIN question q ON q.version_id = m.survey_version_id
CROSS JOIN LATERAL (SELECT (q.scale_min + q.scale_max) / 2.0 AS middle, (q.scale_max - q.scale_min) / 6.0 AS spread,
    sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) + m.mood * 0 AS n1,
    sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) + m.mood * 0 AS n2, random() + q.id * 0 AS u) AS x
LEFT JOIN bench_pick o ON o.kind = 'option' AND o.ref = q.id AND x.u >= o.low AND x.u < o.high
WHERE q.type <> 'text' OR (m.mood < -0.8 AND x.u < 0.55)
"""
# The floors: the same aggregates as one plain GROUP BY over the answers, as anyone would first write them.
OVERVIEW_FLOOR = """
SELECT r.touchpoint_id, q.type, q.dimension_id, a.value, a.expected, count(*)
FROM answer a JOIN response r ON r.id = a.response_id JOIN question q ON q.id = a.question_id
WHERE q.type IN ('nps', 'csat', 'gap') AND a.value IS NOT NULL
GROUP BY 1, 2, 3, 4, 5
"""
SEGMENTS_FLOOR = """
SELECT r.touchpoint_id, s.value, q.type, q.dimension_id, a.value, a.expected, count(*)
FROM answer a JOIN response r ON r.id = a.response_id JOIN question q ON q.id = a.question_id
LEFT JOIN response_segment s ON s.response_id = r.id AND s.attribute = 'region'
WHERE q.type IN ('nps', 'csat', 'gap') AND a.value IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6
"""


def bench_app(url: str):
    """An app on the benchmark database."""
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SQLALCHEMY_ENGINE_OPTIONS": {}})


def prepare(reuse: bool, largest: int) -> None:
    """Create the benchmark database with schema, surveys and customers (``--reuse``: keep what is there)."""
    admin = sa.create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": DATABASE}):
            connection.execute(sa.text(f"CREATE DATABASE {DATABASE}"))
    admin.dispose()
    url = f"{SERVER}/{DATABASE}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        filled = connection.scalar(sa.text("SELECT to_regclass('bench_pick') IS NOT NULL"))
        if not (reuse and filled):
            connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    app = bench_app(url)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
        if not (reuse and filled):
            load_catalog(db.session, read_catalog(ROOT / "surveys"))
            add_customers(db.session, int(largest * CUSTOMERS_PER_RESPONSE))
            add_picks(db.session)
            db.session.commit()
        db.engine.dispose()


def add_customers(session, count: int) -> None:
    """Demo customers, and the slots responses draw them from (valuable customers answer more often)."""
    people = make_customers(random.Random(7), count, date.today(), Classification())
    for start in range(0, count, 10_000):
        session.execute(sa.insert(Customer), [asdict(p) for p in people[start : start + 10_000]])
    session.execute(sa.text(PICKS))
    session.execute(
        sa.text(
            "INSERT INTO bench_customer (slot, customer_id) SELECT row_number() OVER (ORDER BY c.id, k) - 1, c.id "
            "FROM customer c CROSS JOIN LATERAL generate_series(1, CASE c.tier WHEN 'A' THEN 4 WHEN 'B' THEN 2 "
            "ELSE 1 END) AS k"
        )
    )


def add_picks(session) -> None:
    """The weighted choices of survey, channel and answer option, as ranges of one uniform draw."""
    found = session.execute(
        sa.text("SELECT s.slug, v.id, s.id, s.touchpoint_id FROM survey s JOIN survey_version v ON v.survey_id = s.id")
    ).all()
    picks = ranges(
        "survey", [(SURVEY_WEIGHTS[slug], {"ref": v, "survey_id": s, "touchpoint_id": t}) for slug, v, s, t in found]
    )
    picks += ranges("channel", [(weight, {"code": code}) for code, weight in CHANNEL_WEIGHTS.items()])
    for version_id, definition in session.execute(sa.text("SELECT id, definition FROM survey_version")).all():
        ids = dict(
            session.execute(sa.text("SELECT code, id FROM question WHERE version_id = :v"), {"v": version_id}).all()
        )
        for question in definition["questions"]:
            codes = [option["code"] for option in question.get("options", [])]
            weighted = [(1 / (i + 1), {"ref": ids[question["id"]], "code": code}) for i, code in enumerate(codes)]
            picks += ranges("option", weighted)
    session.execute(
        sa.text("INSERT INTO bench_pick VALUES (:kind, :low, :high, :ref, :survey_id, :touchpoint_id, :code)"), picks
    )


def ranges(kind: str, weighted: list[tuple[float, dict]]) -> list[dict]:
    """Rows splitting [0, 1) into one range per choice, as wide as its weight."""
    total, low, rows = sum(weight for weight, _ in weighted), 0.0, []
    for index, (weight, values) in enumerate(weighted):
        high = 1.0 if index == len(weighted) - 1 else low + weight / total
        blank = {"ref": None, "survey_id": None, "touchpoint_id": None, "code": None}
        rows.append({"kind": kind, "low": low, "high": high, **blank, **values})
        low = high
    return rows


def grow(url: str, size: int) -> dict:
    """Add responses with answers and segments until there are ``size``, then rebuild the rollups; with timings."""
    engine = sa.create_engine(url)
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    started = time.perf_counter()
    with engine.begin() as connection:
        have = connection.scalar(sa.text("SELECT count(*) FROM response"))
        if have > size:
            raise SystemExit(f"{DATABASE} already holds {have:,} responses, more than {size:,}: drop --reuse")
        if have < size:
            connection.execute(sa.text("SET LOCAL work_mem = '256MB'"))
            connection.execute(sa.text("SELECT setseed(:s)"), {"s": have / 1e7})
            after = connection.scalar(sa.text("SELECT coalesce(max(id), 0) FROM response"))
            slots = connection.scalar(sa.text("SELECT count(*) FROM bench_customer"))
            values = {"first": have + 1, "last": size, "slots": slots, "today": today, "after": after}
            for statement in (RESPONSES, SEGMENTS, MOODS, ANSWERS):
                connection.execute(sa.text(statement), values)
    filled = time.perf_counter()
    app = bench_app(url)
    with app.app_context():
        size_of_rollups = rebuild_rollups(db.session)
        db.session.commit()
        db.engine.dispose()
    rebuilt = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE"))
        answers = connection.scalar(sa.text("SELECT count(*) FROM answer"))
    engine.dispose()
    return {
        "responses": size,
        "answers": answers,
        "fill_seconds": round(filled - started, 1),
        "rollup_rebuild_seconds": round(rebuilt - filled, 1),
        "rollup_rows": {"day": size_of_rollups.day_rows, "month_segment": size_of_rollups.month_segment_rows},
    }


def timed(run, repeat: int) -> tuple[float, object]:
    """The median wall time of ``repeat`` runs after one warm-up, and the last result."""
    result, seconds = run(), []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


def peak_mb() -> float:
    """This process's peak resident memory so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(url: str, repeat: int, raw_repeat: int) -> dict:
    """Time the overview and the segment comparison, their raw twins and floors; insist the results agree."""
    app = bench_app(url)
    with app.app_context():
        session, figures = db.session, {"peak_mb_before": round(peak_mb(), 1)}
        by_region = (TOUCHPOINT, TYPE, DIMENSION, Segment("region"))

        def segments(use_rollups: bool):
            """NPS, CSAT and gap counts per touchpoint, dimension and region."""
            return count_tables(session, Filters(), by_region, ("nps", "csat", "gap"), use_rollups=use_rollups)

        def count_one() -> None:
            """What storing a response adds: counting it into the rollups (then undone)."""
            count_responses(session, [random.randint(1, 1000)])
            session.rollback()

        cases = {
            "overview": (repeat, lambda: journey_overview(session)),
            "overview_raw_path": (raw_repeat, lambda: journey_overview(session, use_rollups=False)),
            "overview_floor": (raw_repeat, lambda: session.execute(sa.text(OVERVIEW_FLOOR)).all()),
            "segments": (repeat, lambda: segments(True)),
            "segments_raw_path": (raw_repeat, lambda: segments(False)),
            "segments_floor": (raw_repeat, lambda: session.execute(sa.text(SEGMENTS_FLOOR)).all()),
            "count_one_response": (repeat, count_one),
        }
        results = {}
        for name, (times, run) in cases.items():
            seconds, results[name] = timed(run, times)
            figures[f"{name}_seconds"] = round(seconds, 4)
            session.rollback()
        assert results["overview"] == results["overview_raw_path"], "rollup and raw overview differ"
        assert results["segments"] == results["segments_raw_path"], "rollup and raw segment comparison differ"
        figures["peak_mb"] = round(peak_mb(), 1)
        db.engine.dispose()
    return figures


def main() -> None:
    """Fill, measure each size in a fresh process, print and save."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--raw-repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep an already filled benchmark database")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # internal: time in this (fresh) process
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)  # internal: schema and customers
    options = parser.parse_args()
    if options.measure:
        print(json.dumps(measure(options.measure, options.repeat, options.raw_repeat)))
        return
    if options.prepare:
        prepare(options.reuse, max(options.sizes))
        return
    # Customers are made in Python by the demo's generator; a child process does it, so that the measuring
    # processes started from this one do not inherit its peak memory (ru_maxrss survives fork and exec).
    child = [sys.executable, __file__, "--prepare", "--sizes", str(max(options.sizes))]
    subprocess.run(child + (["--reuse"] if options.reuse else []), check=True)
    url = f"{SERVER}/{DATABASE}"
    runs = []
    for size in sorted(options.sizes):
        run = grow(url, size)
        child = [sys.executable, __file__, "--measure", url, "--repeat", str(options.repeat)]
        child += ["--raw-repeat", str(options.raw_repeat)]
        output = subprocess.run(child, check=True, capture_output=True, text=True).stdout
        run.update(json.loads(output.strip().splitlines()[-1]))
        runs.append(run)
        report(run)
    save(runs, url)


def report(run: dict) -> None:
    """Print one size's figures."""
    print(
        f"{run['responses']:,} responses, {run['answers']:,} answers (fill {run['fill_seconds']} s, "
        f"rollup rebuild {run['rollup_rebuild_seconds']} s, rollup rows {run['rollup_rows']})"
    )
    for name in ("overview", "segments"):
        ours, raw, floor = (run[f"{name}{suffix}_seconds"] for suffix in ("", "_raw_path", "_floor"))
        print(
            f"  {name:9} {ours:7.3f} s   raw path {raw:7.3f} s   floor (plain GROUP BY) {floor:7.3f} s   "
            f"ours/floor {ours / floor:.3f}"
        )
    print(f"  count one response into the rollups: {run['count_one_response_seconds'] * 1000:.1f} ms")
    print(f"  peak memory of the measuring process: {run['peak_mb']} MB ({run['peak_mb_before']} MB before querying)")


def save(runs: list[dict], url: str) -> None:
    """Write the figures as JSON next to this script."""
    with sa.create_engine(url).connect() as connection:
        server = connection.scalar(sa.text("SHOW server_version"))
    RESULTS.parent.mkdir(exist_ok=True)
    document = {
        "database": f"PostgreSQL {server}",
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "command": "python bench/analytics_overview.py " + " ".join(sys.argv[1:]),
        "runs": runs,
    }
    RESULTS.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
