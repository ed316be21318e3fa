"""CPU time spent per request by the server, the database and the client: a measure that other load on the
machine does not distort the way it distorts requests per second.

Read from /proc (Linux): a gunicorn master's workers, PostgreSQL's backends for one database, and the
client processes (finished children of this process).
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

TICK = os.sysconf("SC_CLK_TCK")


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds each process has used so far (processes that are gone are left out)."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / TICK  # utime, stime: fields 14 and 15 in proc(5)
    return used


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (a gunicorn master's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found.append(int(entry.name))
    return found


def database_backends(engine: sa.Engine) -> list[int]:
    """PostgreSQL server processes connected to the engine's database, other than ours (none for SQLite)."""
    if engine.dialect.name != "postgresql":
        return []
    query = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    with engine.connect() as connection:
        return list(connection.scalars(sa.text(query)))


def client_cpu() -> float:
    """CPU seconds used by this process's finished children (the client processes, once joined)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Snapshot:
    """CPU used so far by a server's workers, the database's backends and the finished clients."""

    server: dict[int, float]
    database: dict[int, float]
    client: float

    @classmethod
    def take(cls, master_pid: int, engine: sa.Engine) -> Snapshot:
        """Read the counters now."""
        return cls(cpu_by_pid(children(master_pid)), cpu_by_pid(database_backends(engine)), client_cpu())

    def per_completion(self, later: Snapshot, completions: int) -> dict:
        """Milliseconds of CPU per completed visit between this snapshot and ``later``, by who spent them."""
        if not completions:
            return {}

        def spent(before: dict[int, float], after: dict[int, float]) -> float:
            """CPU seconds the processes used in between (a process that appeared meanwhile: all of it)."""
            return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())

        return {
            "server_cpu_ms": round(spent(self.server, later.server) * 1000 / completions, 2),
            "database_cpu_ms": round(spent(self.database, later.database) * 1000 / completions, 2),
            "client_cpu_ms": round((later.client - self.client) * 1000 / completions, 2),
        }
