#!/usr/bin/env python3
"""Set up and run Touchloop, or its tests, on a machine that has only python3.

python3 dev.py run     virtual environment, install, migrate, load the surveys,
                       fill the demo company if the database is empty, serve on :5000
python3 dev.py test    virtual environment with the test tools, then the whole suite, one worker
                       per core (extra arguments go to pytest, e.g. python3 dev.py test -k gap;
                       -n 0 runs it in one process)
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def ensure_environment(requirements: str) -> None:
    """Create .venv and install ``requirements`` when they changed since last time."""
    if not (BIN / "python").exists():
        print(f"dev: creating a virtual environment in {VENV}", flush=True)
        try:
            venv.create(VENV, with_pip=True)
        except Exception as exc:  # e.g. Debian without python3-venv
            sys.exit(
                f"dev: could not create a virtual environment ({exc}); "
                "on Debian/Ubuntu install it with: apt-get install python3-venv"
            )
    wanted = _fingerprint(requirements)
    stamp = VENV / f".installed-{Path(requirements).stem}"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    print(f"dev: installing {requirements}", flush=True)
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements)
    stamp.write_text(wanted)


def _fingerprint(requirements: str) -> str:
    """A hash of the requirement file and the files it includes with -r."""
    digest = hashlib.sha256()
    text = (ROOT / requirements).read_text()
    digest.update(text.encode())
    for line in text.splitlines():
        if line.startswith("-r "):
            digest.update((ROOT / line.split(maxsplit=1)[1]).read_bytes())
    return digest.hexdigest()


def _run(*command: object) -> None:
    """Run a command in the project folder; stop with its exit code if it fails."""
    result = subprocess.run([str(part) for part in command], cwd=ROOT)
    if result.returncode:
        sys.exit(result.returncode)


def flask(*args: str) -> None:
    """Run ``flask --app wsgi ARGS`` inside the virtual environment."""
    _run(BIN / "flask", "--app", "wsgi", *args)


def run() -> None:
    """Install, migrate, load surveys and demo data, then serve at http://127.0.0.1:5000."""
    ensure_environment("requirements.txt")
    flask("db", "upgrade")
    flask("surveys", "load")
    flask("demo", "--if-empty")
    print("dev: Touchloop is at http://127.0.0.1:5000/s/delivery-installation (Ctrl+C stops it)", flush=True)
    os.chdir(ROOT)
    os.execv(str(BIN / "flask"), [str(BIN / "flask"), "--app", "wsgi", "run", "--host", "127.0.0.1", "--port", "5000"])


def test(pytest_args: list[str]) -> None:
    """Install the test tools and run the suite; exit with pytest's code."""
    ensure_environment("requirements-dev.txt")
    if not any(arg.startswith(("-n", "--numprocesses")) for arg in pytest_args):
        pytest_args = ["-n", "auto", *pytest_args]  # one pytest-xdist worker per core, each on its own database
    result = subprocess.run([str(BIN / "python"), "-m", "pytest", *pytest_args], cwd=ROOT)
    sys.exit(result.returncode)


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("run", "test"):
        sys.exit(__doc__)
    run() if sys.argv[1] == "run" else test(sys.argv[2:])
