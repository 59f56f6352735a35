"""Progress of long work (build, validate, load, start workers) as status lines on stderr.

Each step is a :data:`Progress` call with its description; the step before it is then
done, and a line says so with its time. On a terminal the running step shows as a rich
status line with a spinner; elsewhere (logs, pipes, tests) only the finished lines.

>>> import io
>>> from rich.console import Console
>>> out = io.StringIO()
>>> steps = Steps(Console(file=out, width=80), clock=iter([0.0, 0.0, 0.5, 2.0]).__next__)
>>> steps("reading 3 files")
>>> steps("validating")
>>> steps.done()
>>> print(out.getvalue(), end="")
✓ reading 3 files (0.5 s)
✓ validating (1.5 s)
done in 2.0 s

With ``cpu`` (a clock of this process's CPU time, ``time.process_time``), each line also
says the CPU seconds the step took, which on a busy machine tell its cost better than the
wall-clock seconds (``POLICYKG_STEP_CPU=true`` asks the commands for it):

>>> out = io.StringIO()
>>> steps = Steps(Console(file=out, width=80), clock=iter([0.0, 0.0, 2.0]).__next__,
...               cpu=iter([0.0, 0.0, 0.4]).__next__)
>>> steps("reading 3 files")
>>> steps.done()
>>> print(out.getvalue(), end="")
✓ reading 3 files (2.0 s, 0.4 s CPU)
done in 2.0 s
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.status import Status

__all__ = ["Progress", "Steps"]

#: A callback told the description of each step as it starts.
Progress = Callable[[str], None]


class Steps:
    """A :data:`Progress` callback that prints each finished step with its time."""

    def __init__(
        self,
        console: Console | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        cpu: Callable[[], float] | None = None,
    ) -> None:
        self.console = console or Console(stderr=True, highlight=False)
        self.clock, self.cpu = clock, cpu
        if cpu is None and os.environ.get("POLICYKG_STEP_CPU", "").lower() in ("1", "true"):
            self.cpu = time.process_time
        self.began = clock()
        self.step: str | None = None
        self.started = self.began
        self.cpu_started = self.cpu() if self.cpu else 0.0
        self.status: Status | None = None

    def __call__(self, step: str) -> None:
        now = self._finish()
        self.step, self.started = step, now
        self.cpu_started = self.cpu() if self.cpu else 0.0
        if self.console.is_terminal:
            self.status = self.console.status(f"{step} …")
            self.status.start()

    def _finish(self) -> float:
        now = self.clock()
        if self.status is not None:
            self.status.stop()
            self.status = None
        if self.step is not None:
            cpu = f", {self.cpu() - self.cpu_started:.1f} s CPU" if self.cpu else ""
            self.console.print(f"✓ {self.step} ({now - self.started:.1f} s{cpu})", markup=False)
            self.step = None
        return now

    def done(self, message: str = "done") -> None:
        """Finish the last step and say how long everything took."""
        now = self._finish()
        self.console.print(f"{message} in {now - self.began:.1f} s", markup=False)

    def __enter__(self) -> Steps:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None
