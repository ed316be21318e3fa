"""Where a survey visit's time goes, in one process: the page (GET) and the submission (POST).

    .venv/bin/python bench/profile_survey.py [--database URL] [--visits 300] [--profile get|post] [--top 25]

Builds a fresh SQLite database (or the PostgreSQL database ``--database`` names, dropped and created), loads `surveys/`,
then answers the demo 'purchase' survey through Flask's test client — no HTTP server, no other process —
and prints the median and 90th-percentile process CPU time of a page and of a submission. With
``--profile`` it runs cProfile over the visits and prints the functions with the most cumulative time.
Meant for comparing two versions of the code on the same machine, not as a figure for the README.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import servers  # noqa: E402
from bench.phone import hidden_fields, purchase_answers  # noqa: E402


def make_client(database: str | None, folder: str):
    """A test client of an app on a freshly migrated database holding the demo surveys."""
    from app import create_app

    database = servers.fresh_database(database, folder)
    servers.prepare_touchloop_database(database)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
    return app.test_client()


def visit(client, rng: random.Random) -> tuple[float, float]:
    """One visitor: open the page, post the answers; the CPU seconds of each."""
    client._cookies.clear()
    started = time.process_time()
    page = client.get("/s/purchase?lang=en")
    opened = time.process_time()
    assert page.status_code == 200, page.status_code
    posted = client.post("/s/purchase?lang=en", data=hidden_fields(page.data) | purchase_answers(rng))
    assert posted.status_code == 303, (posted.status_code, posted.data[:300])
    return opened - started, time.process_time() - opened


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a new SQLite file)")
    parser.add_argument("--visits", type=int, default=300)
    parser.add_argument("--profile", choices=("get", "post", "both"))
    parser.add_argument("--top", type=int, default=25)
    options = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="touchloop-profile-")
    client = make_client(options.database, folder)
    rng = random.Random(7)
    for _ in range(20):
        visit(client, rng)  # warm-up: caches, imports, the first connection
    profiler = cProfile.Profile() if options.profile else None
    pages, posts = [], []
    if profiler:
        profiler.enable()
    for _ in range(options.visits):
        page, post = visit(client, rng)
        pages.append(page * 1000)
        posts.append(post * 1000)
    if profiler:
        profiler.disable()
    for name, times in (("page (GET)", pages), ("submission (POST)", posts)):
        tenth = statistics.quantiles(times, n=10)
        print(f"{name:18} median {statistics.median(times):6.2f} ms CPU   p90 {tenth[-1]:6.2f} ms   n={len(times)}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(options.top)


if __name__ == "__main__":
    main()
