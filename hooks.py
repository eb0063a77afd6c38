"""Build-time steps of the handbook (mkdocs `hooks:`). Small functions, no Markdown rewriting."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def snippets_fingerprint(root: Path = ROOT / "snippets") -> str:
    """A hash of every snippet file: notebooks import them, so their results depend on them."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def on_config(config):
    """Key mkdocs-jupyter's notebook cache on snippets/ too, not only on the notebook's bytes.

    mkdocs-jupyter keys its cache on the notebook file and its options. Placing the cache in a
    folder named after the snippets' hash makes an edited snippet re-run every notebook, and an
    unchanged tree reuse them. HANDBOOK_NOTEBOOK_CACHE moves the cache (the tests point it into
    their temporary directory); deleting .cache/ forces a re-run.
    """
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None:
        raise RuntimeError("hooks.py expects the mkdocs-jupyter plugin in mkdocs.yml")
    base = Path(os.environ.get("HANDBOOK_NOTEBOOK_CACHE", plugin.config["cache_dir"]))
    plugin.config["cache_dir"] = str(base / snippets_fingerprint())
    return config
