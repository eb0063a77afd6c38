"""Build-time steps of the handbook (mkdocs `hooks:`). Small functions, no Markdown rewriting."""

from __future__ import annotations

import hashlib
import importlib
import os
import sys
from pathlib import Path

from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent
SNIPPETS = ROOT / "snippets"

# Charts drawn from live runs at build time: where the page finds it -> "module:function" in
# snippets/ returning the file's bytes. Pages link to them like any image.
FIGURES = {
    "data-engineering/oltp-vs-olap.svg": "data_engineering.oltp_olap:figure",
    "data-engineering/stale-reads.svg": "data_engineering.base:figure",
}


def snippets_fingerprint(root: Path = SNIPPETS) -> str:
    """A hash of every snippet file: notebooks and figures are computed from them."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_root(config) -> Path:
    """.cache/ next to mkdocs.yml; HANDBOOK_CACHE moves it (the tests use their own)."""
    return Path(os.environ.get("HANDBOOK_CACHE", ROOT / ".cache"))


def on_config(config):
    """Key mkdocs-jupyter's notebook cache on snippets/ too, not only on the notebook's bytes.

    mkdocs-jupyter keys its cache on the notebook file and its options. Placing the cache in a
    folder named after the snippets' hash makes an edited snippet re-run every notebook, and an
    unchanged tree reuse them. Deleting .cache/ forces a re-run.
    """
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None:
        raise RuntimeError("hooks.py expects the mkdocs-jupyter plugin in mkdocs.yml")
    fingerprint = snippets_fingerprint()
    plugin.config["cache_dir"] = str(cache_root(config) / "mkdocs-jupyter" / fingerprint)
    if str(SNIPPETS) not in sys.path:
        sys.path.insert(0, str(SNIPPETS))
    return config


def draw(target: str) -> bytes:
    module, function = target.split(":")
    return getattr(importlib.import_module(module), function)()


def on_files(files, config):
    """Add each figure to the site, drawn once per state of snippets/ and cached."""
    folder = cache_root(config) / "figures" / snippets_fingerprint()
    for uri, target in FIGURES.items():
        cached = folder / uri
        if not cached.exists():
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_bytes(draw(target))
        files.append(File.generated(config, uri, content=cached.read_bytes()))
    return files
