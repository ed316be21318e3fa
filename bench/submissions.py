"""Benchmark: full survey submissions (page + post) and survey page renders through gunicorn, against a floor.

Run from the project root (PostgreSQL at 127.0.0.1:5432, user postgres, for the PostgreSQL half):

    .venv/bin/python bench/submissions.py [--databases sqlite postgresql] [--clients 1 8 32] [--seconds 15]

For each database (a fresh SQLite file; the PostgreSQL database ``touchloop_bench_submit``,
dropped and created) it migrates, loads the demo surveys, and starts two gunicorns with
the same settings: Touchloop (``wsgi:app``) and the floor (bench/floor_app.py, a bare
Flask app inserting one row per POST through the same driver). The same phones
(bench/phone.py: cookie, CSRF token, submission key) then answer the 'purchase' survey
with 1, 8 and 32 concurrent clients for a fixed time each, Touchloop and floor taking
turns at each level, and afterwards only open the page. Prints submissions/s, pages/s,
p50/p95 latency, the Touchloop/floor ratio and the multiple of LimeSurvey's figures, checks
that every acknowledged submission was stored exactly once, and writes
bench/results/submissions.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402
from bench.cpu import Snapshot  # noqa: E402
from bench.floor_app import floor_row, metadata  # noqa: E402
from bench.servers import Gunicorn, GunicornSettings, prepare_touchloop_database, recreate_postgres_database  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "submissions.json"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_DATABASE = "touchloop_bench_submit"
LIMESURVEY = {"submit": 10.0, "page": 14.0}  # per second, issue 7: LimeSurvey 6.14, php-fpm, 8 workers, PostgreSQL


def database_url(kind: str, folder: Path) -> str:
    """A fresh, empty database of ``kind``."""
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    return recreate_postgres_database(PG_SERVER, PG_DATABASE)


def measure(kind: str, folder: Path, settings: GunicornSettings, options) -> dict:
    """Every app on one database: each mode and client count, the apps taking turns; with the stored counts."""
    url = database_url(kind, folder)
    prepare_touchloop_database(url)
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    apps = {"touchloop": ("wsgi:app", ROOT), "floor": ("bench.floor_app:app", ROOT)}
    if options.candidate:
        apps["candidate"] = ("wsgi:app", options.candidate.resolve())  # served from that tree
    figures: dict = {name: {"submit": {}, "page": {}} for name in apps}
    log = folder / f"gunicorn-{kind}.log"
    with ExitStack() as stack:
        servers = {name: stack.enter_context(Gunicorn(*app, url, settings, log)) for name, app in apps.items()}
        for name, server in servers.items():  # every worker imports, compiles its templates, caches the survey
            warm = load.run(load.Plan(server.port, "submit", 4 * settings.workers, seconds=1, warmup=3))
            figures[name]["warm_up_submissions"] = warm["all_completed"]
        for mode in ("submit", "page"):
            for clients in options.clients:
                for name, server in servers.items():
                    plan = load.Plan(server.port, mode, clients, options.seconds, options.warmup)
                    before = Snapshot.take(server.process.pid, engine)
                    result = load.run(plan)
                    result |= before.per_completion(Snapshot.take(server.process.pid, engine), result["all_completed"])
                    result["load_average"] = round(os.getloadavg()[0], 1)
                    figures[name][mode][clients] = result
                    print(f"{kind:10} {name:9} {mode:6} {clients:3} clients  {_line(result)}", flush=True)
    figures["stored"] = _stored_exactly_once(engine, figures)
    engine.dispose()
    return figures


def _stored_exactly_once(engine: sa.Engine, figures: dict) -> dict:
    """Rows in the database against acknowledged submissions (all of them, warm-ups included)."""
    with engine.connect() as connection:
        responses = connection.scalar(sa.text("SELECT count(*) FROM response"))
        keys = connection.scalar(sa.text("SELECT count(DISTINCT submission_key) FROM response"))
        floor_rows = connection.scalar(sa.select(sa.func.count()).select_from(floor_row))
    acknowledged = {
        name: sum(r["all_completed"] for r in figures[name]["submit"].values()) + figures[name]["warm_up_submissions"]
        for name in figures
    }
    ours = acknowledged["touchloop"] + acknowledged.get("candidate", 0)
    stored = {"responses": responses, "distinct_keys": keys, "floor_rows": floor_rows, "acknowledged": acknowledged}
    if responses != keys or responses != ours or floor_rows != acknowledged["floor"]:
        print(f"STORAGE MISMATCH: {stored}", flush=True)
    return stored


def _line(result: dict) -> str:
    """One measurement as a line of text."""
    failures = f"  failures {result['failures']}" if result["failures"] else ""
    return (
        f"{result['per_second']:8.1f}/s  p50 {result['p50_ms']:7.1f} ms  p95 {result['p95_ms']:7.1f} ms  "
        f"CPU ms: server {result.get('server_cpu_ms')} db {result.get('database_cpu_ms')} "
        f"client {result.get('client_cpu_ms')}  (load {result['load_average']}){failures}"
    )


def cpu_ms(result: dict) -> float:
    """CPU milliseconds per completed visit, server, database and client together."""
    return result.get("server_cpu_ms", 0) + result.get("database_cpu_ms", 0) + result.get("client_cpu_ms", 0)


def ratios(figures: dict) -> dict:
    """Per app, mode and client count, how it compares with the floor and with LimeSurvey."""
    out: dict = {}
    for name in [name for name in figures if name != "floor"]:
        for mode in ("submit", "page"):
            for clients, ours in figures[name][mode].items():
                compared = compare(ours, figures["floor"][mode][clients], LIMESURVEY[mode])
                out.setdefault(name, {}).setdefault(mode, {})[clients] = compared
    return out


def compare(ours: dict, floor: dict, limesurvey: float) -> dict:
    """Rate over the floor's, multiple of LimeSurvey's, and the same by CPU.

    Other load on the machine lowers the rates, not the CPU a visit costs; so the CPU figures also give
    the ratio a quiet machine tends to, and the rate this machine could reach with every core for this (ceiling).
    """
    cost, floor_cost = cpu_ms(ours), cpu_ms(floor)
    return {
        "over_floor": round(ours["per_second"] / floor["per_second"], 2) if floor["per_second"] else None,
        "times_limesurvey": round(ours["per_second"] / limesurvey, 1),
        "cpu_ms": round(cost, 1),
        "over_floor_by_cpu": round(floor_cost / cost, 2) if cost else None,
        "cpu_ceiling_per_second": round((os.cpu_count() or 1) * 1000 / cost) if cost else None,
    }


def print_table(results: dict) -> None:
    """The summary table the README shows."""
    print(
        "\ndatabase    app        mode    clients    per s  p50 ms  p95 ms  floor/s  /floor  ×LimeSurvey"
        "  CPU ms  /floor by CPU  ceiling/s"
    )
    for kind, figures in results["databases"].items():
        for name, by_mode in figures["ratios"].items():
            for mode, by_clients in by_mode.items():
                for clients, ratio in by_clients.items():
                    ours, floor = figures[name][mode][clients], figures["floor"][mode][clients]
                    print(
                        f"{kind:11} {name:10} {mode:7} {clients:7}  {ours['per_second']:7.1f}  {ours['p50_ms']:6.1f}  "
                        f"{ours['p95_ms']:6.1f}  {floor['per_second']:7.1f}  {ratio['over_floor']:6.2f}  "
                        f"{ratio['times_limesurvey']:10.1f}  {ratio['cpu_ms']:6.1f}  "
                        f"{ratio['over_floor_by_cpu']:13.2f}  {ratio['cpu_ceiling_per_second']:9}"
                    )


def main() -> None:
    """Measure each database in turn and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--clients", nargs="+", type=int, default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=15.0, help="measuring window per level")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="per worker, with --worker-class gthread")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--candidate", type=Path, help="also serve Touchloop from this copy of the tree, taking turns")
    options = parser.parse_args()
    settings = GunicornSettings(options.workers, options.worker_class, options.threads)
    results: dict = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
        "gunicorn": vars(settings),
        "survey": load.SLUG,
        "seconds_per_level": options.seconds,
        "limesurvey_per_second": LIMESURVEY,
        "databases": {},
    }
    with tempfile.TemporaryDirectory(prefix="touchloop-bench-submit-") as folder:
        for kind in options.databases:
            started = time.monotonic()
            figures = measure(kind, Path(folder), settings, options)
            figures["ratios"] = ratios({name: figures[name] for name in figures if name != "stored"})
            results["databases"][kind] = figures
            print(f"{kind}: {time.monotonic() - started:.0f} s", flush=True)
    print_table(results)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwrote {options.out.relative_to(ROOT) if options.out.is_relative_to(ROOT) else options.out}")


if __name__ == "__main__":
    main()
