"""Benchmark: import 100,000 customers from CSV into a fresh SQLite database, through the CLI.

Run from the project root:  .venv/bin/python bench/import_customers.py [--rows N] [--seed S]

Prints the time of a first import (all new), a re-import of the same file (all
updates), a standalone ``flask customers classify`` of every customer, and a
plain ``csv.reader`` pass over the file as the floor the import is compared with.
"""

from __future__ import annotations

import argparse
import csv
import random
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


def main() -> None:
    """Build the file and the database, then time each step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20260101)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="touchloop-bench-") as folder:
        path = Path(folder) / "customers.csv"
        write_csv(path, options.rows, options.seed, date.today())
        size = path.stat().st_size
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SURVEYS_DIR": str(ROOT / "surveys")})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            runner = app.test_cli_runner()
            timed(runner, "surveys", "load")
            floor = floor_seconds(path)
            first = timed(runner, "customers", "import", str(path))
            again = timed(runner, "customers", "import", str(path))
            with db.engine.begin() as connection:
                connection.exec_driver_sql("UPDATE customer SET tier = NULL, lifecycle = NULL")
            classify = timed(runner, "customers", "classify")
            unchanged = timed(runner, "customers", "classify")
            db.engine.dispose()
    print(f"{options.rows:,} rows, {size / 1e6:.1f} MB, on SQLite")
    print(f"import, all new:        {first:6.1f} s  {options.rows / first:8,.0f} rows/s")
    print(f"re-import, all updates: {again:6.1f} s  {options.rows / again:8,.0f} rows/s")
    ratios = f"import/floor {first / floor:.0f}x, re-import/floor {again / floor:.0f}x"
    print(f"floor (csv.reader):     {floor:6.2f} s  {ratios}")
    print(f"classify, all changed:  {classify:6.1f} s")
    print(f"classify, none changed: {unchanged:6.1f} s")


if __name__ == "__main__":
    main()
