#!/usr/bin/env python3
"""The README's two commands, with nothing but Python 3.11+ and git installed.

    python3 dev.py start   # install into .venv, load the Ninh Bình demo on SQLite, serve it
    python3 dev.py test    # install into .venv, run the whole test suite

Both create the virtual environment on first use and reinstall only when pyproject.toml
changes. ``DATABASE_URL`` chooses PostgreSQL instead of the embedded SQLite file.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=False)  # noqa: S603
    if result.returncode:
        sys.exit(result.returncode)


def install() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 — any python3 may run this file; say why it stops
        sys.exit("Học vụ số needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv …", flush=True)
        run(sys.executable, "-m", "venv", VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("Installing dependencies (first run takes a minute) …", flush=True)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(wanted)


def dev_env() -> dict[str, str]:
    return {**os.environ, "HOCVUSO_DEV": "1"}


def start(args: list[str]) -> None:
    install()
    env = dev_env()
    hocvuso = BIN / "hocvuso"
    run(hocvuso, "migrate", "--verbosity", "0", env=env)
    run(hocvuso, "load-demo", env=env)
    address = args[0] if args else "127.0.0.1:8000"
    print(f"\nHọc vụ số is running at http://{address}/  (Ctrl+C to stop)\n", flush=True)
    host, _, port = address.rpartition(":")
    # The ASGI server, not runserver: the ceremony's live screens need WebSockets.
    uvicorn = [str(BIN / "uvicorn"), "hocvuso.asgi:application", "--host", host, "--port", port]
    os.execve(uvicorn[0], [*uvicorn, "--log-level", "warning"], env)  # noqa: S606


def test(args: list[str]) -> None:
    install()
    run(PYTHON, "-m", "pytest", *args, env=dev_env())


def main() -> None:
    command, *rest = sys.argv[1:] or ["help"]
    if command == "start":
        start(rest)
    elif command == "test":
        test(rest)
    else:
        print(__doc__)
        sys.exit(0 if command in {"help", "-h", "--help"} else 2)


if __name__ == "__main__":
    main()
