"""Child processes for the server tests: started in their own session, logged to a file, always killed.

Every process a test starts carries a marker in its environment (CRISISWATCH_TEST_MARK); flow-run
processes inherit it from their worker, so teardown finds and kills them even though Prefect
starts them in sessions of their own.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

MARK_VAR = "CRISISWATCH_TEST_MARK"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def new_mark() -> str:
    return f"cw-{uuid.uuid4().hex[:12]}"


@dataclass
class Managed:
    """A running child process and its log file."""

    name: str
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""

    def stop(self, timeout: float = 8.0) -> None:
        """SIGTERM to its process group, then SIGKILL after `timeout` seconds."""
        if self.proc.poll() is not None:
            return
        _signal_group(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _signal_group(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)  # started with start_new_session: its group id is its pid
    except ProcessLookupError:
        pass


def spawn(name: str, args: Sequence[str], env: dict[str, str], log_dir: Path, cwd: Path | None = None) -> Managed:
    """Start `args` in a new session with stdout and stderr in log_dir/name.log."""
    log = log_dir / f"{name}.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen(list(args), env=env, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    return Managed(name, proc, log)


def marked_pids(mark: str) -> list[int]:
    """Ids of live processes whose environment carries CRISISWATCH_TEST_MARK=mark."""
    needle = f"{MARK_VAR}={mark}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if needle in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def kill_marked(mark: str, grace: float = 3.0) -> list[int]:
    """SIGTERM, then SIGKILL, every process still carrying `mark`; returns the ids it found."""
    pids = marked_pids(mark)
    for pid in pids:
        _kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and marked_pids(mark):
        time.sleep(0.1)
    for pid in marked_pids(mark):
        _kill(pid, signal.SIGKILL)
    return pids


def _kill(pid: int, sig: signal.Signals) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass
