"""Benchmark: import 100,000 customers from CSV into a fresh database, through the CLI.

Run from the project root:
    .venv/bin/python bench/import_customers.py [--rows N] [--seed S] [--database postgresql+psycopg://.../name]

Prints the time of a first import (all new), a re-import of the same file (all
updates), a standalone ``flask customers classify`` of every customer, and a
plain ``csv.reader`` pass over the file as the floor the import is compared with;
peak memory before and after the imports. Writes bench/results/import_customers.json.
The database is a new SQLite file, or the PostgreSQL database ``--database`` names
(dropped and created).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.services.demo.customers import make_customers  # noqa: E402
from bench import servers  # noqa: E402
from touchloop.classification import Classification  # noqa: E402

HEADER = ["客户编号", "客户名称", "邮箱", "电话", "地区", "客户类型", "合作开始日期", "最近购买日期", "年度价值"]
REGION_NAMES = {"east": "华东", "north": "华北", "south": "华南", "central": "华中", "west": "西部"}
INDUSTRY_NAMES = {
    "residential": "家庭住宅",
    "hospitality": "酒店民宿",
    "retail": "零售门店",
    "office": "办公场所",
    "healthcare": "医疗健康",
    "education": "教育培训",
}


def write_csv(path: Path, rows: int, seed: int, today: date) -> None:
    """A customers file as Excel saves it: UTF-8 with BOM, CRLF, Chinese headers and names, ¥ amounts."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        for customer in make_customers(rng, rows, today, Classification()):
            last = today - timedelta(days=int(rng.triangular(0, 900, 60)))
            last = max(last, customer.customer_since)
            writer.writerow(
                [
                    customer.external_id.replace("DEMO", "C"),
                    customer.name,
                    customer.email,
                    customer.phone,
                    REGION_NAMES[customer.region],
                    INDUSTRY_NAMES[customer.industry],
                    f"{customer.customer_since.year}/{customer.customer_since.month}/{customer.customer_since.day}",
                    last.isoformat(),
                    f"¥{customer.annual_value:,.2f}",
                ]
            )


def floor_seconds(path: Path) -> float:
    """A plain csv.reader pass over the file: the least any import must spend."""
    started = time.perf_counter()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        count = sum(1 for _ in csv.reader(handle))
    assert count > 0
    return time.perf_counter() - started


def timed(runner, *args: str) -> float:
    """Run a flask command, insist that it succeeded, and return its wall time."""
    started = time.perf_counter()
    result = runner.invoke(args=list(args))
    seconds = time.perf_counter() - started
    if result.exit_code != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.output}")
    return seconds


def peak_mb() -> float:
    """The peak resident memory of this process so far."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure(url: str, path: Path) -> dict:
    """Migrate, load the surveys, then time each step against the csv.reader floor."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SURVEYS_DIR": str(ROOT / "surveys")})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
        runner = app.test_cli_runner()
        timed(runner, "surveys", "load")
        figures = {"floor_seconds": floor_seconds(path), "peak_mb_before": peak_mb()}
        figures["import_seconds"] = timed(runner, "customers", "import", str(path))
        figures["reimport_seconds"] = timed(runner, "customers", "import", str(path))
        with db.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE customer SET tier = NULL, lifecycle = NULL")
        figures["classify_seconds"] = timed(runner, "customers", "classify")
        figures["classify_unchanged_seconds"] = timed(runner, "customers", "classify")
        figures["peak_mb"] = peak_mb()
        db.engine.dispose()
    return figures


def main() -> None:
    """Build the file and the database, then time each step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--database", help="a PostgreSQL URL whose database is dropped and created (default: SQLite)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="touchloop-bench-") as folder:
        path = Path(folder) / "customers.csv"
        write_csv(path, options.rows, options.seed, date.today())
        size = path.stat().st_size
        url = servers.fresh_database(options.database, folder)
        figures = measure(url, path)
    kind = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    rows, floor = options.rows, figures["floor_seconds"]
    first, again = figures["import_seconds"], figures["reimport_seconds"]
    print(f"{rows:,} rows, {size / 1e6:.1f} MB, on {kind}")
    print(f"import, all new:        {first:6.1f} s  {rows / first:8,.0f} rows/s")
    print(f"re-import, all updates: {again:6.1f} s  {rows / again:8,.0f} rows/s")
    ratios = f"import/floor {first / floor:.0f}x, re-import/floor {again / floor:.0f}x"
    print(f"floor (csv.reader):     {floor:6.2f} s  {ratios}")
    print(f"classify, all changed:  {figures['classify_seconds']:6.1f} s")
    print(f"classify, none changed: {figures['classify_unchanged_seconds']:6.1f} s")
    print(f"peak memory: {figures['peak_mb_before']} MB before the imports, {figures['peak_mb']} MB after")
    record = {"database": kind, "rows": rows, "file_mb": round(size / 1e6, 1), "cpus": os.cpu_count()}
    record |= {key: round(value, 2) for key, value in figures.items()}
    record["load_average"] = round(os.getloadavg()[0], 1)
    results = ROOT / "bench" / "results" / "import_customers.json"
    existing = json.loads(results.read_text()) if results.exists() else {}
    existing[kind.lower()] = record
    results.write_text(json.dumps(existing, indent=2) + "\n")


if __name__ == "__main__":
    main()
