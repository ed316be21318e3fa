"""A throwaway PostgreSQL instance of our own, to stop and start at will (never the shared server at 5432).

initdb into a temporary folder, served on a free port on 127.0.0.1 with its
socket in that folder. PostgreSQL refuses to run as root, so when we are root
every server command runs as the ``postgres`` user through runuser, and the
folder is handed to that user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench.servers import free_port

SERVER_USER = "postgres"


def postgres_bin() -> Path:
    """The newest installed PostgreSQL's bin folder."""
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if not folders:
        raise SystemExit("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")
    return Path(folders[-1])


class PostgresCluster:
    """Our own PostgreSQL: ``start()``, ``restart(down_seconds)``, ``stop()``; ``url`` for SQLAlchemy."""

    def __init__(self, preferred_port: int = 5440):
        self.bin = postgres_bin()
        self.port = free_port(preferred_port)
        self.folder = Path(tempfile.mkdtemp(prefix="touchloop-fault-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            user = pwd.getpwnam(SERVER_USER)
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        self.folder.chmod(0o755)

    @property
    def url(self) -> str:
        """The server's address for SQLAlchemy (psycopg 3), without a database name."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}"

    def start(self) -> None:
        """initdb on first use, then start the server and wait until it accepts connections."""
        if not self.data.exists():
            self._run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        options = f"-c port={self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.folder}"
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "-t", "60", "start")

    def restart(self, down_seconds: float = 0.0) -> tuple[float, float]:
        """Fast shutdown (clients' connections cut, open transactions rolled back), stay down, start again.

        Returns when the server went down and when it was back (time.time()).
        """
        went_down = time.time()
        if down_seconds <= 0:
            self._run("pg_ctl", "-D", self.data, "-l", self.log, "-m", "fast", "-w", "-t", "60", "restart")
            return went_down, time.time()
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "60", "stop")
        time.sleep(down_seconds)
        self.start()
        return went_down, time.time()

    def stop(self) -> None:
        """Stop the server (if it runs) and delete its folder."""
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, program: str, *args: object, check: bool = True) -> None:
        """Run a server program (as the postgres user when we are root)."""
        command = [str(self.bin / program), *map(str, args)]
        if self.as_root:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        # Output to a file, not a pipe: the server pg_ctl starts would inherit a pipe and keep it open forever.
        with open(self.folder / "commands.out", "a+") as output:
            start = output.tell()
            result = subprocess.run(command, stdout=output, stderr=subprocess.STDOUT, cwd=self.folder)
            output.seek(start)
            said = output.read()
        if check and result.returncode:
            log = self.log.read_text()[-2000:] if self.log.exists() else ""
            raise SystemExit(f"{program} failed ({result.returncode}):\n{said}\n{log}")
