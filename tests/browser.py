"""Small checkers for the built site, shared by the browser tests and their own tests.

The browser is Debian's Chromium driven by Playwright (no browser is ever downloaded). Every
checker returns a list of problems, each naming the page, so one test can report all pages.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

# As the machine's probe found: without the background-networking flags Chromium keeps trying
# to reach Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = (
    "no Chromium found: install Debian's (sudo apt-get install chromium) or set CHROMIUM to a "
    "Chrome or Chromium executable"
)


def find_chromium() -> str | None:
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    return next((path for name in names if (path := shutil.which(name))), None)


class Handler(SimpleHTTPRequestHandler):
    """Static files under a path prefix, as a project site is served (/<repository>/...)."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "no such file")
        return super().translate_path("/" + path[len(self.prefix) :])

    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve(directory: Path, prefix: str = "/") -> Iterator[str]:
    """Serve a folder on 127.0.0.1 (a free port) under `prefix`; yields the base URL."""
    handler_class = type("PrefixHandler", (Handler,), {"prefix": prefix})
    handler = functools.partial(handler_class, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def pages(site: Path) -> list[str]:
    """Every HTML page of the built site, as paths relative to its root: found, not listed."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


@dataclass
class Watch:
    """What a page did while loading: console errors, failed and foreign requests."""

    base: str
    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.console.append(m.text))
        page.on("pageerror", lambda error: self.console.append(str(error)))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.route("**/*", self._route)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith((self.base, "data:", "blob:", "file:")):
            route.continue_()
        else:  # never let a request leave the machine, and remember that it tried
            self.foreign.append(url)
            route.abort()

    def problems(self, name: str) -> list[str]:
        found = [f"{name}: request to another host: {url}" for url in self.foreign]
        blocked = "Failed to load resource: net::ERR_FAILED"  # our own abort of a foreign request
        found += [
            f"{name}: console error: {text}"
            for text in self.console
            if not (self.foreign and text == blocked)
        ]
        found += [
            f"{name}: failed request: {what}"
            for what in self.failed
            if not any(url in what for url in self.foreign)
        ]
        return found


def load(context, base: str, name: str) -> tuple[object, list[str]]:
    """Open one page and wait until it is idle; return it with the problems seen on the way."""
    page = context.new_page()
    watch = Watch(base)
    watch.attach(page)
    response = page.goto(urljoin(base, name))
    page.wait_for_load_state("networkidle")
    problems = watch.problems(name)
    if response is None or response.status != 200:
        problems.append(f"{name}: HTTP {response.status if response else 'no response'}")
    return page, problems


def link_problems(site: Path, prefix: str = "/") -> list[str]:
    """Every internal href/src of every page points at a file, and every #anchor at an id.

    Absolute paths (the 404 page uses them) are taken relative to `prefix`, the site's root.
    """
    problems, ids = [], {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            tree = LexborHTMLParser(path.read_text(encoding="utf-8"))
            ids[path] = {node.attributes["id"] for node in tree.css("[id]")}
        return ids[path]

    for name in pages(site):
        page = site / name
        tree = LexborHTMLParser(page.read_text(encoding="utf-8"))
        for node in tree.css("a[href], img[src], link[href], script[src]"):
            target = node.attributes.get("href") or node.attributes.get("src") or ""
            parts = urlsplit(target)
            if parts.scheme or target.startswith("//"):
                continue  # external links are for the reader's browser, not fetched here
            if parts.path.startswith("/"):
                local = unquote(parts.path).removeprefix(prefix)
                path = (site / local).resolve()
            else:
                path = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if path.is_dir():
                path = path / "index.html"
            if not path.exists():
                problems.append(f"{name}: broken link {target!r}")
            elif (
                parts.fragment
                and path.suffix == ".html"
                and unquote(parts.fragment) not in ids_of(path)
            ):
                problems.append(f"{name}: missing anchor {target!r}")
    return problems


# axe-core rules this site knowingly does not meet, each with its reason. Empty: none today.
ACCEPTED_VIOLATIONS: dict[str, str] = {}


def accessibility_problems(page, name: str) -> list[str]:
    """axe-core's serious and critical violations on the page, minus the accepted ones."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{name}: {violation['impact']} accessibility violation {violation['id']}: "
        f"{violation['help']} ({len(violation['nodes'])} element(s), e.g. "
        f"{violation['nodes'][0]['target']})"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
        and violation["id"] not in ACCEPTED_VIOLATIONS
    ]
