"""Killing a test's own child processes, and never another process by mistake.

This machine's process ids wrap quickly (``pid_max`` is 32768 and threads take ids too:
a test run turns them over in a few minutes), so a pid kept after its process was reaped
may soon name an unrelated process, another test's server or worker. A kill here opens a
pidfd first, which pins the process, and checks that it is this process's child.
"""

from __future__ import annotations

import os
import signal

__all__ = ["kill_child"]


def kill_child(pid: int, sig: signal.Signals = signal.SIGKILL) -> bool:
    """Send ``sig`` to ``pid`` if it is a live child of this process; whether it was sent.

    >>> import subprocess
    >>> child = subprocess.Popen(["sleep", "30"])
    >>> kill_child(child.pid), child.wait()
    (True, -9)
    >>> kill_child(child.pid)  # reaped: the pid is nobody's, or someone else's
    False
    >>> kill_child(os.getppid())
    False
    """
    try:
        pidfd = os.pidfd_open(pid)
    except OSError:  # gone (ProcessLookupError), or the id of a thread
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        if fields[0] == "Z" or int(fields[1]) != os.getpid():
            return False
        signal.pidfd_send_signal(pidfd, sig)
        return True
    except (FileNotFoundError, ProcessLookupError):
        return False
    finally:
        os.close(pidfd)
