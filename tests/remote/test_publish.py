"""``policykg publish`` and ``rollback`` against real Oxigraph and Virtuoso servers."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote_to_bytes

import httpx
import pytest

from policykg.errors import NotFound
from policykg.graph.build import BuildReport
from policykg.remote import RemoteStore, StoreError
from policykg.remote.publication import iri, read_state
from policykg.remote.publish import Build, publish, read_build, rollback
from policykg.settings import Settings

from .publishing import BASE, CLI, cli_env, counts_of, policy_graphs, public_counts, variant, wipe
from .servers import RemoteServer, free_port


@pytest.fixture(scope="module")
def builds(
    built: tuple[Settings, BuildReport], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Build, Build, Build]:
    """The seed graph's build (A) and two variants (B without source 000, C without 001)."""
    dist = built[0].dist
    folder = tmp_path_factory.mktemp("variants")
    return (
        read_build(dist),
        variant(dist, folder / "b", drop_graph="000_d336fba75509138b", drop_quads=5),
        variant(dist, folder / "c", drop_graph="001_75629ab7e52d574a", drop_quads=9),
    )


@pytest.fixture
def clean(remote: RemoteStore) -> Iterator[RemoteStore]:
    """``remote`` without any graph under the policy graph's base IRI."""
    wipe(remote)
    yield remote
    wipe(remote)


def _all_graphs(*builds: Build) -> list[str]:
    return sorted({g for b in builds for g in b.graphs})


def test_publish_gives_the_builds_counts_per_graph(
    clean: RemoteStore, builds: tuple[Build, Build, Build]
) -> None:
    a = builds[0]
    report = publish(clean, a, BASE)
    assert (report.version, report.previous, report.quads) == (a.version, None, a.quads)
    assert public_counts(clean, _all_graphs(a)) == counts_of(a)
    state = read_state(clean, BASE)
    assert state.current == a.version
    assert [v.id for v in state.complete] == [a.version]
    assert publish(clean, a, BASE).unchanged


def test_publish_twice_then_rollback_restores_the_first(
    clean: RemoteStore, builds: tuple[Build, Build, Build]
) -> None:
    a, b, _ = builds
    graphs = _all_graphs(a, b)
    publish(clean, a, BASE)
    publish(clean, b, BASE)
    assert public_counts(clean, graphs) == counts_of(b)  # source 000's graph is gone
    report = rollback(clean, BASE)
    assert (report.previous, report.version) == (b.version, a.version)
    assert public_counts(clean, graphs) == counts_of(a)
    assert read_state(clean, BASE).current == a.version
    rollback(clean, BASE, b.version)  # and forward again
    assert public_counts(clean, graphs) == counts_of(b)


def _cut_short(store: RemoteStore, older: Build, graph: str) -> None:
    """The public graphs as a switch to the current version cut short leaves them: public
    ``graph`` still ``older``'s."""
    state = read_state(store, BASE)
    old = next(v for v in state.versions if v.id == older.version)
    copy = next(c for c in old.graphs if c.public == BASE + "graph/" + graph)
    store.update(f"COPY {iri(copy.stored)} TO {iri(copy.public)}")


def test_publish_and_rollback_send_a_switch_cut_short_again_first(
    clean: RemoteStore, builds: tuple[Build, Build, Build]
) -> None:
    a, b, _ = builds
    graphs = _all_graphs(a, b)
    publish(clean, a, BASE)
    publish(clean, b, BASE)
    _cut_short(clean, a, "ontology")  # A's ontology graph, 5 quads more than B's
    assert public_counts(clean, graphs) not in (counts_of(a), counts_of(b))
    report = publish(clean, b, BASE)  # B is current: nothing to load, but the switch is resent
    assert (report.unchanged, report.repaired) == (True, True)
    assert public_counts(clean, graphs) == counts_of(b)
    assert not publish(clean, b, BASE).repaired
    _cut_short(clean, a, "000_d336fba75509138b")  # a graph B lacks, not dropped yet
    assert public_counts(clean, graphs) not in (counts_of(a), counts_of(b))
    seen: list[str] = []
    report = rollback(clean, BASE, b.version, progress=seen.append)
    assert (report.unchanged, report.repaired) == (True, True)
    assert seen == [
        f"the public graphs are not all version {b.version}'s: sending its switch again"
    ]
    assert public_counts(clean, graphs) == counts_of(b)


def test_keep_drops_the_oldest_versions(
    clean: RemoteStore, builds: tuple[Build, Build, Build]
) -> None:
    a, b, c = builds
    publish(clean, a, BASE, keep=2)
    publish(clean, b, BASE, keep=2)
    report = publish(clean, c, BASE, keep=2)
    assert report.dropped == [a.version]
    state = read_state(clean, BASE)
    assert [v.id for v in state.complete] == [b.version, c.version]
    stored = [g for g in policy_graphs(clean) if "/graph/publication/" in g]
    assert sorted(stored) == sorted(copy.stored for v in state.complete for copy in v.graphs)
    with pytest.raises(NotFound) as caught:
        rollback(clean, BASE, a.version)
    assert caught.value.message == (
        f"version '{a.version}' is not kept in this store (kept: {b.version}, {c.version})"
    )


def test_rollback_with_nothing_published(clean: RemoteStore) -> None:
    with pytest.raises(NotFound) as caught:
        rollback(clean, BASE)
    assert caught.value.message == "nothing has been published to this store"


def test_cli_publish_and_rollback(
    store_server: RemoteServer, clean: RemoteStore, builds: tuple[Build, Build, Build],
    built: tuple[Settings, BuildReport], tmp_path: Path,
) -> None:  # fmt: skip
    a, b, _ = builds
    env = cli_env(store_server)
    b_dist = tmp_path / "b"
    b_dist.mkdir()
    b_dist.joinpath("policykg.nq").write_bytes(
        b"".join(b.ntriples(g).replace(b" .\n", f" <{g}> .\n".encode()) for g in b.graphs)
    )
    assert read_build(b_dist).graphs.keys() == b.graphs.keys()
    for dist in (built[0].dist, b_dist):
        done = subprocess.run(
            [*CLI, "publish", "--to", store_server.url, "--dist", str(dist)],
            env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    version_b = read_build(b_dist).version
    assert done.stdout == (
        f"published {version_b} ({len(b.graphs)} graphs, {b.quads} quads); previous: {a.version}\n"
    )
    done = subprocess.run(
        [*CLI, "rollback", "--store", store_server.url],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"rolled back from {version_b} to {a.version}\n"
    assert public_counts(clean, _all_graphs(a, b)) == counts_of(a)


def test_cli_publish_to_a_closed_port(built: tuple[Settings, BuildReport]) -> None:
    port = free_port()
    done = subprocess.run(
        [*CLI, "publish", "--to", f"sparql+http://127.0.0.1:{port}/query",
         "--dist", str(built[0].dist)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.startswith(
        f"policykg publish: cannot reach the store at http://127.0.0.1:{port}/query: "
    )
    assert "Traceback" not in done.stderr


class FailFirstSwitch(httpx.BaseTransport):
    """Passes requests to the store, except that the first switch request (the update that
    COPYs graphs) is answered 500 without reaching it."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.failed = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        if not self.failed and b"update=" in body and b"COPY" in unquote_to_bytes(body):
            self.failed += 1
            return httpx.Response(500, text="simulated failure part way")
        return self.inner.handle_request(request)


def test_switch_is_sent_again_where_a_failed_update_keeps_its_first_operations(
    store_server: RemoteServer, clean: RemoteStore, builds: tuple[Build, Build, Build]
) -> None:
    a = builds[0]
    transport = FailFirstSwitch()
    messages: list[str] = []
    with RemoteStore(store_server.endpoint(), transport=transport) as store:
        if store.endpoint.adapter.update_all_or_nothing:  # Oxigraph: the error is reported
            with pytest.raises(StoreError) as caught:
                publish(store, a, BASE, progress=messages.append)
            assert caught.value.message.endswith("answered 500: simulated failure part way")
            assert read_state(clean, BASE).current is None
        else:  # Virtuoso: sent again, and switched
            publish(store, a, BASE, progress=messages.append)
            assert read_state(clean, BASE).current == a.version
            assert public_counts(clean, _all_graphs(a)) == counts_of(a)
            assert any(m.endswith("; sending it again") for m in messages)
    assert transport.failed == 1
