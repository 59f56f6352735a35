"""kill -9 of a publish at random points never shows readers a half version.

Per server, a publish process is killed ``ROUNDS`` times at a random point of its run (the
delays seeded, drawn up to the length of one whole publish, measured first), each time
publishing the other of two builds (A, and B without source 000 and 5 ontology quads). A
reader polls the public graphs' quad counts throughout, in one query a time; every answer
it gets must be A's counts or B's, never another. After the rounds, a publish runs to its
end, and the store holds exactly the described versions: no graph a killed run left behind.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from policykg.errors import PolicyKGError
from policykg.graph.build import BuildReport
from policykg.remote import RemoteStore
from policykg.remote.publication import read_state
from policykg.remote.publish import Build, read_build
from policykg.settings import Settings

from .publishing import BASE, cli_env, counts_of, policy_graphs, public_counts, variant, wipe
from .servers import RemoteServer

ROUNDS = 10
SEEDS = {"oxigraph": 1301, "virtuoso": 1302}

# A publish process that says "go" once imported, then publishes the build in argv[2].
DRIVER = """
import sys
from pathlib import Path
from policykg.remote import Endpoint, RemoteStore
from policykg.settings import RemoteSettings
from policykg.remote.publish import publish, read_build
build = read_build(Path(sys.argv[2]))
store = RemoteStore(Endpoint.from_settings(RemoteSettings(), sys.argv[1]))
print("go", flush=True)
publish(store, build, sys.argv[3])
print("done", flush=True)
"""


class Reader(threading.Thread):
    """Polls the public graphs' counts until stopped, keeping each distinct answer."""

    def __init__(self, server: RemoteServer, graphs: list[str]) -> None:
        super().__init__(daemon=True)
        self.server, self.graphs = server, graphs
        self.stop = threading.Event()
        self.seen: list[dict[str, int]] = []
        self.reads = 0
        self.errors: list[str] = []

    def run(self) -> None:
        with RemoteStore(self.server.endpoint()) as store:
            while not self.stop.is_set():
                try:
                    counts = public_counts(store, self.graphs)
                except PolicyKGError as error:  # recorded: the test fails on it
                    self.errors.append(repr(error))
                    continue
                self.reads += 1
                if counts not in self.seen:
                    self.seen.append(counts)


def _start(server: RemoteServer, dist: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, server.url, str(dist), BASE],
        env=cli_env(server), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line == "go\n", process.stderr.read() if process.stderr else line
    return process


def test_kill_9_during_publish_never_shows_a_half_version(
    store_server: RemoteServer,
    remote: RemoteStore,
    built: tuple[Settings, BuildReport],
    tmp_path: Path,
) -> None:
    a_dist, b_dist = built[0].dist, tmp_path / "b"
    a: Build = read_build(a_dist)
    b = variant(a_dist, b_dist, drop_graph="000_d336fba75509138b", drop_quads=5)
    graphs = sorted(set(a.graphs) | set(b.graphs))
    wipe(remote)
    dists = {a.version: a_dist, b.version: b_dist}
    # One whole publish of A, timed: the kills fall within that span.
    process = _start(store_server, a_dist)
    started = time.monotonic()
    assert process.wait(timeout=300) == 0
    span = time.monotonic() - started
    assert public_counts(remote, graphs) == counts_of(a)

    rng = random.Random(SEEDS[store_server.kind])
    reader = Reader(store_server, graphs)
    reader.start()
    kills = 0
    try:
        for _ in range(ROUNDS):
            current = read_state(remote, BASE).current
            target = b if current == a.version else a
            process = _start(store_server, dists[target.version])
            time.sleep(rng.uniform(0, span))
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                kills += 1
            process.wait(timeout=60)
            _settled(remote)  # a switch it had sent is finished by the store
            assert public_counts(remote, graphs) in (counts_of(a), counts_of(b))
    finally:
        reader.stop.set()
        reader.join(timeout=60)
    assert reader.errors == []
    assert reader.reads > ROUNDS
    assert kills >= ROUNDS // 2, f"only {kills} of {ROUNDS} publishes were killed mid-run"
    for counts in reader.seen:
        assert counts in (counts_of(a), counts_of(b)), f"a reader saw a half version: {counts}"

    # A publish run to its end cleans up whatever the killed ones left, once the requests
    # they had already sent are done: the server finishes those after their client is gone.
    _settled(remote)
    state = read_state(remote, BASE)
    target = b if state.current == a.version else a
    process = _start(store_server, dists[target.version])
    assert process.wait(timeout=300) == 0, process.stderr.read() if process.stderr else ""
    assert public_counts(remote, graphs) == counts_of(target)
    state = read_state(remote, BASE)
    assert state.current == target.version
    assert all(v.status == "complete" for v in state.versions)
    stored = {g for g in policy_graphs(remote) if "/graph/publication/" in g}
    assert stored == {c.stored for v in state.versions for c in v.graphs}
    wipe(remote)


def _settled(remote: RemoteStore, quiet: float = 2.0, timeout: float = 120.0) -> None:
    """Wait until the store's policy graphs and their sizes stay the same for ``quiet`` s."""
    deadline = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while time.monotonic() - since < quiet:
        assert time.monotonic() < deadline, "the store kept changing after every publish ended"
        graphs = policy_graphs(remote)
        now = (graphs, public_counts(remote, graphs))
        if now != last:
            last, since = now, time.monotonic()
        time.sleep(0.25)
