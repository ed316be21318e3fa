"""Starting what the load scripts measure: a database with the demo surveys, and gunicorn in front of an app.

Shared by bench/submissions.py and faults/submit_through_restart.py.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port(preferred: int = 0) -> int:
    """``preferred`` if nothing listens there, else a port the kernel picks."""
    for port in (preferred, 0) if preferred else (0,):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free port")


def flask_cli(url: str, *args: str) -> None:
    """Run ``flask --app wsgi ARGS`` against the database at ``url``; stop on failure."""
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench")
    result = subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


def recreate_postgres_database(server: str, name: str) -> str:
    """Drop and create database ``name`` on ``server`` (a URL without a database); its URL."""
    engine = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return f"{server}/{name}"


def fresh_database(postgres_url: str | None, folder: str | Path) -> str:
    """A new SQLite file in ``folder``, or the PostgreSQL database ``postgres_url`` names, dropped and created."""
    if postgres_url is None:
        return f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
    server, name = postgres_url.rsplit("/", 1)
    return recreate_postgres_database(server, name)


def prepare_touchloop_database(url: str) -> None:
    """Migrate an empty database and load the demo surveys into it."""
    flask_cli(url, "db", "upgrade", "heads")
    flask_cli(url, "surveys", "load")


@dataclass
class GunicornSettings:
    """How gunicorn serves the app: the same for Touchloop and for the floor."""

    workers: int
    worker_class: str = "sync"
    threads: int = 1
    timeout: int = 120

    def arguments(self) -> list[str]:
        """The command-line flags."""
        flags = ["--workers", str(self.workers), "--worker-class", self.worker_class, "--timeout", str(self.timeout)]
        if self.worker_class == "gthread":
            flags += ["--threads", str(self.threads)]
        return flags


class Gunicorn:
    """gunicorn serving ``app_spec`` (e.g. ``wsgi:app``) from the tree ``root`` on 127.0.0.1; a context manager."""

    def __init__(self, app_spec: str, root: Path, url: str, settings: GunicornSettings, log: Path):
        self.app_spec, self.root, self.url, self.settings, self.log = app_spec, root, url, settings, log
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        """Start it and wait until /healthz answers."""
        env = dict(os.environ, DATABASE_URL=self.url, SECRET_KEY="bench", PYTHONPATH=str(self.root))
        command = [str(VENV_BIN / "gunicorn"), *self.settings.arguments(), "--bind", f"127.0.0.1:{self.port}"]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [*command, self.app_spec], cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            self._wait_until_up()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        """Stop it gracefully (SIGTERM to the master), then for good."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _wait_until_up(self, seconds: float = 60) -> None:
        """Poll /healthz until every worker could have booted; fail if the master dies."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn {self.app_spec} exited; see {self.log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn {self.app_spec} did not come up; see {self.log}")
