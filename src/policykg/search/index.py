"""The search index on disk: written beside a store, found through the ``dist/store`` link.

``policykg build`` writes the store into ``dist/stores/<digest>`` and this index into
``dist/stores/<digest>.search-v1`` (each in a staging folder, renamed into place) before it
switches the ``dist/store`` link by one rename. :func:`index_path` resolves the link and
names the index of the store it points at, so a reader never pairs a store with another
build's index. The ``-v1`` suffix is the index layout: a new layout is built anew beside an
unchanged store.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterable
from pathlib import Path

import tantivy
from pyoxigraph import Quad, Store

from policykg.errors import NotFound
from policykg.search.analysis import ANY, STEMMED, fold, language, register, tokenizer_name
from policykg.search.documents import documents, read_quads

__all__ = ["SUFFIX", "index_path", "index_store", "open_index", "schema", "write_index"]

SUFFIX = ".search-v1"

_lock = threading.Lock()
_open: dict[Path, tantivy.Index] = {}


def schema() -> tantivy.Schema:
    """IRI, kind, languages and corrected as exact terms; the texts folded and stemmed."""
    builder = tantivy.SchemaBuilder()
    for name in ("iri", "kind", "lang", "corrected"):
        builder.add_text_field(name, stored=name == "iri", tokenizer_name="raw")
    builder.add_text_field(ANY, tokenizer_name=tokenizer_name(None))
    for lang in STEMMED:
        builder.add_text_field(lang, tokenizer_name=tokenizer_name(lang))
    builder.add_text_field("payload", stored=True, tokenizer_name="raw", index_option="basic")
    return builder.build()


def index_path(store: Path) -> Path:
    """The index belonging to the store that ``store`` (a path or the ``dist/store`` link) is."""
    real = store.resolve()
    return real.with_name(real.name + SUFFIX)


def write_index(quads: Iterable[Quad], target: Path) -> Path:
    """Write the index of ``quads`` to ``target`` (through a staging folder renamed into place)."""
    staging = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    index = tantivy.Index(schema(), path=str(staging))
    register(index)
    writer = index.writer(heap_size=50_000_000, num_threads=1)
    for doc in documents(quads):
        fields: dict[str, list[str]] = {
            "iri": [doc.iri], "kind": [doc.kind], "corrected": [str(doc.corrected).lower()],
            "lang": sorted({language(t.lang) for t in doc.texts}),
            ANY: [t.value for t in doc.texts],
            "payload": [json.dumps(doc.payload(), ensure_ascii=False)],
        }  # fmt: skip
        for text in doc.texts:
            lang = language(text.lang)
            if lang in STEMMED:
                fields.setdefault(lang, []).append(text.value)
        if not any(fold(t) for t in fields[ANY]):
            continue
        writer.add_document(tantivy.Document(**fields))
    writer.commit()
    writer.wait_merging_threads()
    del writer, index
    os.replace(staging, target)
    return target


def open_index(store: Path) -> tantivy.Index:
    """The index of the store behind ``store``, opened once per process and build."""
    path = index_path(store)
    with _lock:
        index = _open.get(path)
        if index is None:
            if not path.is_dir():
                raise NotFound(
                    f"no search index at {path}: run `policykg build` (search needs the policy "
                    "graph built by this version, not --data files)"
                )
            index = tantivy.Index.open(str(path))
            register(index)
            _open[path] = index
    return index


def index_store(store: Store, target: Path) -> None:
    """Write the index of ``store`` to ``target`` unless it is there (an index belongs to one
    version). The documents are about IRIs, so the store's blank-node labels do not matter:
    the build indexes the store it validated in memory."""
    if not target.exists():
        write_index(read_quads(store), target)
