"""Where policykg's data files are: the ontology, the sources, the named queries, the
browser libraries, and where builds are written.

An installed wheel carries them as package data (``policykg/_data/``, mapped from the
checkout's top-level ``ontology/``, ``graph/``, ``queries/`` and the npm files by
``pyproject.toml``). An editable install reads them from the checkout it was installed
from, which pip records in the distribution's ``direct_url.json`` (PEP 610). Settings
override both (``POLICYKG_ROOT``, ``POLICYKG_DIST``).

>>> (data_root() / "ontology" / "shapes.ttl").is_file()
True
"""

from __future__ import annotations

import functools
import json
import os
from importlib import metadata, resources
from pathlib import Path
from urllib.parse import unquote, urlparse

__all__ = ["checkout", "data_root", "default_dist"]


@functools.cache
def checkout() -> Path | None:
    """The source checkout of an editable install, or None for an installed wheel."""
    # Every distribution of that name: a build leaves ``src/policykg.egg-info`` (without
    # the record) beside the installed one, and either may come first on sys.path.
    for dist in metadata.distributions(name="policykg"):
        info = json.loads(dist.read_text("direct_url.json") or "{}")
        url = urlparse(info.get("url", ""))
        if info.get("dir_info", {}).get("editable") and url.scheme == "file":
            return Path(unquote(url.path))
    return None


@functools.cache
def data_root() -> Path:
    """The folder holding ``ontology/``, ``graph/``, ``queries/`` and ``node_modules/``."""
    packaged = Path(str(resources.files("policykg"))) / "_data"
    if packaged.is_dir():
        return packaged
    source = checkout()
    if source is None:
        raise RuntimeError(
            "policykg's data files are missing: install the package (pip install policykg "
            "or pip install -e <checkout>) or set POLICYKG_ROOT to a checkout"
        )
    return source


def default_dist() -> Path:
    """Where ``policykg build`` writes: ``dist/`` in a checkout, else the user's data folder."""
    source = checkout()
    if source is not None:
        return source / "dist"
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "policykg" / "dist"
