"""Running a long-lived child process (the Streamlit server of `cxpulse serve`) that never outlives us.

The child gets a process group of its own; SIGTERM, SIGINT and SIGHUP sent to us are passed on to that whole
group, and a group that has not ended after a grace period is killed. On Linux the child is also asked to
receive SIGTERM when we die without a chance to pass anything on (SIGKILL).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType

FORWARDED_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
GRACE_SECONDS = 10.0
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _signal_group(process_group: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process_group, signum)


def run_child(command: Sequence[str], env: Mapping[str, str], cwd: Path,
              grace_seconds: float = GRACE_SECONDS) -> int:
    """Run `command` until it ends; a terminating signal to us ends it too. Returns its exit code, or
    128 + the signal's number when a signal ended us."""
    child = subprocess.Popen(list(command), env=dict(env), cwd=cwd, start_new_session=True,
                             preexec_fn=_die_with_parent)
    received: list[int] = []

    def forward(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)
        _signal_group(child.pid, signum)

    previous = {signum: signal.signal(signum, forward) for signum in FORWARDED_SIGNALS}
    try:
        deadline: float | None = None
        while True:
            try:
                code = child.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if received and deadline is None:
                    deadline = time.monotonic() + grace_seconds
                if deadline is not None and time.monotonic() > deadline:
                    _signal_group(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:  # an exception of our own: never leave the server behind
            _signal_group(child.pid, signal.SIGKILL)
            child.wait()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 128 + received[0] if received else code
