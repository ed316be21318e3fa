"""Benchmark: export 100,000 and 1,000,000 responses to CSV from PostgreSQL, through the export service.

Run from the project root:  .venv/bin/python bench/export_responses.py [--database URL] [--sizes 100000 1000000]

Fills the database (default ``touchloop_export_bench``; its schema is wiped) with SQL ``generate_series``:
the demo delivery-installation survey plus one multiple-choice question, 20,000 customers, and responses
with 9 questions each (two gap questions, a text answer with commas, quotes, a line break and Chinese in
one response of five, one to three ticked options); nine in ten come from a customer and carry five
segment values. For each size, the export runs in a fresh Python process (so its peak memory is its own)
exactly as ``flask responses export`` does it, and is compared with PostgreSQL's own ``COPY (same query)
TO STDOUT``, the floor of any export; the smallest size is also exported to XLSX. Prints rows per second,
peak memory (``ru_maxrss``), the CPU seconds of the export process and of its PostgreSQL backend (from
/proc, when the server runs on this machine) and the load average, since other work on a shared machine
slows every wall-clock figure; writes bench/results/export_responses.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/touchloop_export_bench"
SLUG = "delivery-installation"
CUSTOMERS = 20_000
LIMESURVEY_SECONDS_PER_ROW = 24 / 100_000  # its 100,000-response figure; it slows faster than the data grows
TOPICS = {
    "id": "topics",
    "type": "choice",
    "multiple": True,
    "text": {"zh": "您最看重哪些方面？", "en": "What matters most to you?"},
    "options": [
        {"code": code, "text": {"zh": zh, "en": code}}
        for code, zh in (("price", "价格"), ("speed", "速度"), ("care", "细致"), ("tidiness", "整洁"))
    ],
}
CUSTOMERS_SQL = """
INSERT INTO customer (id, external_id, name, email, region, industry, customer_since, tier, lifecycle,
                      created_at, updated_at)
SELECT g, 'C-' || lpad(g::text, 6, '0'), '客户' || g, 'customer' || g || '@example.com',
       (ARRAY['east', 'north', 'south', 'central', 'west'])[1 + g % 5],
       (ARRAY['residential', 'hospitality', 'retail', 'office', 'healthcare', 'education'])[1 + g % 6],
       DATE '2015-01-01' + (g * 7) % 3650, (ARRAY['A', 'B', 'C', 'C', 'C'])[1 + (g * 3) % 5],
       (ARRAY['new', 'growing', 'mature', 'declining', 'lost'])[1 + (g * 7) % 5], now(), now()
FROM generate_series(1, :customers) AS g
"""
RESPONSES_SQL = """
INSERT INTO response (id, submission_key, survey_id, survey_version_id, touchpoint_id, customer_id, channel,
                      language, submitted_at)
SELECT g, 'bench-' || g, :survey, :version, :touchpoint,
       CASE WHEN g % 10 = 0 THEN NULL ELSE 1 + (g * 7919) % :customers END,
       (ARRAY['web', 'email', 'sms', 'qr:store-12'])[1 + g % 4], CASE WHEN g % 3 = 0 THEN 'en' ELSE 'zh' END,
       TIMESTAMPTZ '2024-01-01 00:00:00+00' + g * INTERVAL '30 seconds'
FROM generate_series(CAST(:low AS bigint), CAST(:high AS bigint)) AS g
"""
# question code -> (value, expected, choice, text) as SQL of g, and the condition for an answer row.
ANSWERS = {
    "recommend": ("(g * 37) % 11", "NULL", "NULL", "NULL", "true"),
    "overall_satisfaction": ("1 + (g * 13) % 5", "NULL", "NULL", "NULL", "true"),
    "delivery_condition": (
        "NULL",
        "NULL",
        "(ARRAY['intact', 'intact', 'intact', 'damaged', 'missing'])[1 + g % 5]",
        "NULL",
        "true",
    ),
    "punctuality": ("1 + (g * 7) % 7", "3 + g % 5", "NULL", "NULL", "true"),
    "workmanship": ("1 + (g * 11) % 7", "4 + g % 4", "NULL", "NULL", "true"),
    "handover": ("1 + (g * 3) % 5", "NULL", "NULL", "NULL", "g % 10 <> 7"),
    "improve": (
        "NULL",
        "NULL",
        "NULL",
        "'第' || g || '号：师傅迟到了两个小时, 没有提前\"通知\"' || chr(10) || 'Late, and no \"call\".'",
        "g % 5 = 0",
    ),
    "contact_me": ("NULL", "NULL", "CASE WHEN g % 4 = 0 THEN 'yes' ELSE 'no' END", "NULL", "true"),
}
TOPIC_ROWS = {"price": "g % 2 = 0", "speed": "g % 3 = 0", "care": "g % 2 = 1", "tidiness": "g % 7 = 0"}
SEGMENTS_SQL = """
INSERT INTO response_segment (response_id, attribute, value)
SELECT r.id, s.attribute, s.value
FROM response r JOIN customer c ON c.id = r.customer_id
CROSS JOIN LATERAL (VALUES ('tier', c.tier), ('lifecycle', c.lifecycle), ('region', c.region),
                           ('industry', c.industry),
                           ('years_as_customer', CASE WHEN c.customer_since > DATE '2023-01-01' THEN 'from_1_to_3'
                                                      ELSE 'over_5' END)) AS s (attribute, value)
WHERE r.id BETWEEN :low AND :high
"""


def bench_surveys(folder: Path) -> Path:
    """A surveys folder: the demo journey and delivery-installation survey, plus a multiple-choice question."""
    (folder / "journey.yaml").write_text((ROOT / "surveys" / "journey.yaml").read_text("utf-8"), "utf-8")
    survey = yaml.safe_load((ROOT / "surveys" / "installation.yaml").read_text("utf-8"))
    survey["questions"].append(TOPICS)
    (folder / "installation.yaml").write_text(yaml.safe_dump(survey, allow_unicode=True), "utf-8")
    return folder


def prepare(app, folder: Path) -> dict[str, int]:
    """A fresh schema with the surveys and the customers loaded; the ids the generated rows point at."""
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    from flask_migrate import upgrade

    upgrade(revision="heads")
    result = app.test_cli_runner().invoke(args=["surveys", "load", str(bench_surveys(folder))])
    if result.exit_code != 0:
        raise SystemExit(f"surveys load failed:\n{result.output}")
    with db.engine.begin() as connection:
        connection.execute(sa.text(CUSTOMERS_SQL), {"customers": CUSTOMERS})
        ids = connection.execute(
            sa.text(
                "SELECT s.id AS survey, v.id AS version, s.touchpoint_id AS touchpoint FROM survey s "
                "JOIN survey_version v ON v.survey_id = s.id WHERE s.slug = :slug"
            ),
            {"slug": SLUG},
        ).one()
        questions = dict(
            connection.execute(sa.text("SELECT code, id FROM question WHERE version_id = :v"), {"v": ids.version}).all()
        )
    return {"survey": ids.survey, "version": ids.version, "touchpoint": ids.touchpoint, "questions": questions}


def fill(ids: dict, low: int, high: int) -> float:
    """Add responses ``low``..``high`` with their answers and segments; the seconds it took."""
    started = time.perf_counter()
    span = {"low": low, "high": high}
    with db.engine.begin() as connection:
        survey = {key: ids[key] for key in ("survey", "version", "touchpoint")}
        connection.execute(sa.text(RESPONSES_SQL), {**survey, **span, "customers": CUSTOMERS})
        connection.execute(sa.text(answers_sql(ids["questions"])), span)
        connection.execute(sa.text(SEGMENTS_SQL), span)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE"))
    return time.perf_counter() - started


def answers_sql(questions: dict[str, int]) -> str:
    """One INSERT for every answer row of responses :low..:high, each response's rows together as a form saves them."""
    rows = [(questions[code], *parts) for code, parts in ANSWERS.items()]
    rows += [(questions["topics"], "NULL", "NULL", f"'{code}'", "NULL", when) for code, when in TOPIC_ROWS.items()]
    values = ",\n".join(
        f"({question}, ({value})::int, ({expected})::int, ({choice})::text, ({text})::text, {when})"
        for question, value, expected, choice, text, when in rows
    )
    return (
        "INSERT INTO answer (response_id, question_id, value, expected, choice, text) "
        "SELECT g, a.question_id, a.value, a.expected, a.choice, a.text "
        "FROM generate_series(CAST(:low AS bigint), CAST(:high AS bigint)) AS g "
        f"CROSS JOIN LATERAL (VALUES {values}) AS a (question_id, value, expected, choice, text, keep) WHERE a.keep"
    )


def export_in_child(url: str, file_format: str, out: Path) -> dict:
    """Run one export in a fresh interpreter (``--child``) and return the figures it printed."""
    command = [sys.executable, __file__, "--database", url, "--child", file_format, str(out)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"the export failed:\n{result.stderr}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["bytes"] = out.stat().st_size
    out.unlink()
    return figures


def child(url: str, file_format: str, out: Path) -> None:
    """The export itself, as ``flask responses export`` does it; prints rows, seconds and peak memory as JSON."""
    from app.services.export import ExportCriteria, csv_chunks, export_rows, plan_export, write_xlsx
    from app.services.journey import current_journey

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        server = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
        server_cpu, cpu = cpu_seconds(server), time.process_time()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        plan = plan_export(db.session, ExportCriteria(SLUG), current_journey(db.session))
        rows = 0
        with open(out, "wb") as handle:
            cells = export_rows(db.session, plan)
            if file_format == "xlsx":
                rows = write_xlsx(plan, cells, handle)
            else:
                for chunk in csv_chunks(plan, cells):
                    rows += chunk.count(b"\r\n")  # the text answers' line breaks are "\n" alone
                    handle.write(chunk)
                rows -= 1  # the header
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        cpu = {"python_cpu_seconds": time.process_time() - cpu, "server_cpu_seconds": None}
        if server_cpu is not None:
            cpu["server_cpu_seconds"] = cpu_seconds(server) - server_cpu
    print(json.dumps({"seconds": seconds, "rows": rows, "rss_before_kb": before, "peak_rss_kb": peak, **cpu}))


def cpu_seconds(pid: int) -> float | None:
    """CPU seconds a local process has used (the PostgreSQL backend), or None if /proc does not tell."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def copy_floor(url: str) -> float:
    """PostgreSQL's own ``COPY (export query) TO STDOUT`` as CSV, read and thrown away: the floor."""
    import psycopg

    from app.services.export import ExportCriteria, plan_export
    from app.services.journey import current_journey

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        plan = plan_export(db.session, ExportCriteria(SLUG), current_journey(db.session))
        compiled = plan.statement.compile(db.engine, compile_kwargs={"render_postcompile": True})
        db.session.rollback()
    started = time.perf_counter()
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        sql = psycopg.ClientCursor(connection).mogrify(str(compiled), compiled.params)
        with connection.cursor().copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
            for _ in copy:
                pass
    return time.perf_counter() - started


def main() -> None:
    """Fill, export and measure at each size; print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--no-xlsx", action="store_true", help="skip the XLSX export at the smallest size")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        return child(options.database, options.child[0], Path(options.child[1]))
    if sa.engine.make_url(options.database).database == "test":
        raise SystemExit("refusing to wipe the database 'test'")
    runs = []
    with tempfile.TemporaryDirectory(prefix="touchloop-bench-") as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": options.database, "SECRET_KEY": "bench"})
        with app.app_context():
            ids = prepare(app, Path(folder))
            filled = 0
            for size in sorted(options.sizes):
                fill_seconds = fill(ids, filled + 1, size)
                filled = size
                formats = ["csv"] if options.no_xlsx or runs else ["csv", "xlsx"]
                for file_format in formats:
                    figures = export_in_child(options.database, file_format, Path(folder) / f"export.{file_format}")
                    if figures["rows"] != size:
                        raise SystemExit(f"exported {figures['rows']:,} rows of {size:,}")
                    floor = copy_floor(options.database) if file_format == "csv" else None
                    runs.append(report(size, file_format, fill_seconds, figures, floor))
            db.engine.dispose()
    path = ROOT / "bench" / "results" / "export_responses.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"database": "PostgreSQL", "cpus": os.cpu_count(), "runs": runs}, indent=2) + "\n")
    print(f"written to {path.relative_to(ROOT)}")


def report(size: int, file_format: str, fill_seconds: float, figures: dict, floor: float | None) -> dict:
    """Print one export's figures and return them for the JSON file."""
    seconds = figures["seconds"]
    result = {
        "responses": size,
        "format": file_format,
        "export_seconds": round(seconds, 2),
        "rows_per_second": round(size / seconds),
        "peak_rss_mb": round(figures["peak_rss_kb"] / 1024, 1),
        "rss_before_export_mb": round(figures["rss_before_kb"] / 1024, 1),
        "file_mb": round(figures["bytes"] / 1e6, 1),
        "fill_seconds": round(fill_seconds, 1),
        "python_cpu_seconds": round(figures["python_cpu_seconds"], 2),
        "server_cpu_seconds": figures["server_cpu_seconds"] and round(figures["server_cpu_seconds"], 2),
        "load_average": round(os.getloadavg()[0], 1),  # other work on the machine slows every figure
    }
    line = (
        f"{size:>9,} responses to {file_format}: {seconds:6.1f} s, {result['rows_per_second']:>7,} rows/s, "
        f"peak memory {result['peak_rss_mb']} MB (the app alone: {result['rss_before_export_mb']} MB), "
        f"{result['file_mb']} MB; CPU s: Python {result['python_cpu_seconds']}, PostgreSQL "
        f"{result['server_cpu_seconds']}; load average {result['load_average']}"
    )
    if floor is not None:
        # LimeSurvey 6.14 on a machine like this: 100,000 responses to CSV in about 24 s (issue 7).
        result["copy_floor_seconds"] = round(floor, 2)
        result["times_faster_than_limesurvey"] = round(LIMESURVEY_SECONDS_PER_ROW * size / seconds, 1)
        line += (
            f"; COPY floor {floor:.1f} s ({seconds / floor:.1f}x); {result['times_faster_than_limesurvey']}x LimeSurvey"
        )
    print(line)
    return result


if __name__ == "__main__":
    main()
