"""Driving a server with N concurrent phones for a fixed time, and summarising what they saw.

Clients are threads spread over a few processes, so that the client's own
Python does not become the bottleneck it measures. Each loop is one visitor:
a fresh cookie jar, GET the survey page, and (mode "submit") POST the answers
with the page's CSRF token and submission key; a 303 acknowledges it.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from bench.phone import Phone, hidden_fields, purchase_answers, survey_path

SLUG = "purchase"


@dataclass(frozen=True)
class Plan:
    """One measurement: where, what, how many phones, for how long (after a warm-up)."""

    port: int
    mode: str  # "submit" (GET + POST) or "page" (GET only)
    clients: int
    seconds: float
    warmup: float


def run(plan: Plan, processes: int = 4) -> dict:
    """Run the plan and summarise: completions per second, p50/p95 latency in ms, failures by status.

    Only visits completed inside the measuring window count for the rate and latencies; ``all_completed``
    also counts the warm-up's (every acknowledged submission, for checking what was stored).
    """
    processes = max(1, min(processes, plan.clients))
    shares = [plan.clients // processes + (1 if n < plan.clients % processes else 0) for n in range(processes)]
    start = time.time() + 1.0  # every process starts its phones at the same moment
    with ProcessPoolExecutor(max_workers=processes) as pool:
        parts = list(pool.map(_drive_process, [(plan, share, start, n) for n, share in enumerate(shares)]))
    window_start, window_end = start + plan.warmup, start + plan.warmup + plan.seconds
    latencies, failures, completed = [], {}, 0
    for done, failed in parts:
        completed += len(done)
        latencies += [seconds for finished, seconds in done if window_start <= finished < window_end]
        for status, count in failed.items():
            failures[status] = failures.get(status, 0) + count
    return summary(latencies, plan.seconds, failures) | {"all_completed": completed}


def summary(latencies: list[float], seconds: float, failures: dict) -> dict:
    """Throughput and latency percentiles of the completions inside the measuring window."""
    ordered = sorted(latencies)
    cut = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) >= 2 else ordered * 99
    return {
        "completed": len(ordered),
        "per_second": round(len(ordered) / seconds, 1),
        "p50_ms": round(cut[49] * 1000, 1) if cut else None,
        "p95_ms": round(cut[94] * 1000, 1) if cut else None,
        "failures": failures,
    }


def _drive_process(job: tuple[Plan, int, float, int]) -> tuple[list, dict]:
    """One process's share of the phones, as threads; their (finish time, seconds) and failures."""
    plan, phones, start, seed = job
    stop = start + plan.warmup + plan.seconds
    results: list[tuple[list, dict]] = [([], {}) for _ in range(phones)]
    threads = [
        threading.Thread(target=_visitors, args=(plan, start, stop, random.Random(seed * 1000 + n), results[n]))
        for n in range(phones)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done = [item for part, _ in results for item in part]
    failed: dict = {}
    for _, part in results:
        for status, count in part.items():
            failed[status] = failed.get(status, 0) + count
    return done, failed


def _visitors(plan: Plan, start: float, stop: float, rng: random.Random, out: tuple[list, dict]) -> None:
    """One phone answering the survey again and again, a new visitor each time, until ``stop``."""
    done, failed = out
    phone = Phone("127.0.0.1", plan.port)
    time.sleep(max(0.0, start - time.time()))
    while time.time() < stop:
        phone.forget()
        began = time.perf_counter()
        try:
            status = _one_visit(phone, plan.mode, rng)
        except OSError as exc:
            status = type(exc).__name__
            phone.close()
        if status == "ok":
            done.append((time.time(), time.perf_counter() - began))
        else:
            failed[status] = failed.get(status, 0) + 1
    phone.close()


def _one_visit(phone: Phone, mode: str, rng: random.Random) -> str:
    """Open the survey and, in submit mode, answer it: "ok" or the status that went wrong."""
    path = survey_path(SLUG)
    page = phone.request("GET", path)
    if page.status != 200:
        return str(page.status)
    if mode == "page":
        return "ok"
    posted = phone.request("POST", path, {**hidden_fields(page.body), **purchase_answers(rng)})
    return "ok" if posted.status == 303 else str(posted.status)
