"""Speed figures for readers and contributors, each with a baseline measured in the same run.

    ./dev bench                       every figure (Lighthouse on every page takes minutes)
    ./dev bench --lighthouse-pages 3  Lighthouse on the first three pages only
    ./dev bench --skip-lighthouse     everything else

Prints a table and writes the figures to .cache/bench.json (or --json PATH). Nothing here is a
test: timings are measured and reported, never asserted.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "snippets"))

from tests.browser import CHROMIUM_ARGS, find_chromium, pages  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TZ": "UTC", "OMP_NUM_THREADS": "1"}
LIGHTHOUSE = "lighthouse@12.2.3"
STOCK_PAGE = "# A stock page\n\nMaterial for MkDocs with nothing configured.\n"


def run(command: list[str], cwd: Path, **env: str) -> float:
    """Seconds a command takes; raises with its output if it fails."""
    start = time.perf_counter()
    result = subprocess.run(
        command, cwd=cwd, env={**ENV, **env}, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return time.perf_counter() - start


def mkdocs_build(project: Path, site: Path, cache: Path) -> float:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    return run(command, project, HANDBOOK_CACHE=str(cache))


def stock_site(folder: Path) -> Path:
    """A Material site with one page and no configuration: the baseline for builds and pages."""
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "index.md").write_text(STOCK_PAGE)
    (folder / "mkdocs.yml").write_text("site_name: Stock\ntheme:\n  name: material\n")
    return folder


def copy_of_the_tree(folder: Path) -> Path:
    """What `mkdocs serve` needs, copied, so that an edit never touches the work tree."""
    for name in ("docs", "snippets", "includes", "overrides"):
        shutil.copytree(ROOT / name, folder / name)
    for name in ("mkdocs.yml", "hooks.py"):
        shutil.copy2(ROOT / name, folder / name)
    return folder


# --- builds ----------------------------------------------------------------------------------


def builds(work: Path) -> dict:
    cache = work / "cache"
    cold = mkdocs_build(ROOT, work / "site-cold", cache)  # empty cache: notebooks run
    warm = min(mkdocs_build(ROOT, work / f"site-warm-{i}", cache) for i in range(2))
    stock = stock_site(work / "stock")
    mkdocs_build(stock, work / "stock-site-0", cache)
    stock_warm = min(mkdocs_build(stock, work / f"stock-site-{i}", cache) for i in (1, 2))
    return {"cold": cold, "warm": warm, "stock_warm": stock_warm}


def rebuild_on_edit(work: Path) -> float:
    """`mkdocs serve`: append a marker to a page, time until the served HTML shows it."""
    tree = copy_of_the_tree(work / "tree")
    cache = work / "cache"  # warmed by builds(): notebooks come from the cache
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=tree,
        env={**ENV, "HANDBOOK_CACHE": str(cache)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/handbook/index.html"
    try:
        wait_for(lambda: "ML Systems Design" in fetch(url), limit=180)
        timings = []
        for attempt in range(3):
            marker = f"bench-marker-{attempt}-{time.time_ns()}"
            page = tree / "docs" / "index.md"
            start = time.perf_counter()
            page.write_text(page.read_text() + f"\n{marker}\n")
            wait_for(lambda m=marker: m in fetch(url), limit=120)
            timings.append(time.perf_counter() - start)
        return min(timings)
    finally:
        server.terminate()
        server.wait()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except OSError:
        return ""


def wait_for(condition, limit: float) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the served page did not change in time")
        time.sleep(0.02)  # polling interval of a measurement, not a test


# --- the test suite --------------------------------------------------------------------------


def suite() -> dict:
    whole = run(["./dev", "test"], ROOT)
    pytest_pages = run(
        [sys.executable, "-m", "pytest", "docs", "-n", "0", "-p", "no:randomly", "-q"], ROOT
    )
    direct = run([sys.executable, __file__, "--run-blocks-directly"], ROOT)
    return {"whole": whole, "pages_pytest": pytest_pages, "pages_direct": direct}


def run_blocks_directly() -> None:
    """Every Python block of every page, exec'd in one plain process: the harness's baseline."""
    import contextlib
    import io

    from sybil import Document

    from ridehail.engines import postgres_url
    from tests.harness import DOCS, compile_lines, lex_fences, resolve

    os.environ.setdefault("DATABASE_URL", postgres_url())
    for page in sorted(DOCS.rglob("*.md")):
        if "assets" in page.parts:
            continue
        namespace: dict = {"__name__": "__main__"}
        with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder):
            for fence in lex_fences(Document(page.read_text(), str(page))):
                if fence.kind == "code" and not fence.skip_reason:
                    with contextlib.redirect_stdout(io.StringIO()):
                        for code in compile_lines(resolve(fence)):
                            exec(code, namespace)


# --- what a reader downloads -----------------------------------------------------------------


class GzipHandler(SimpleHTTPRequestHandler):
    """Static files, gzip-compressed as static hosts serve them, under a path prefix."""

    prefix = "/"

    def do_GET(self) -> None:
        if not self.path.startswith(self.prefix):
            self.send_error(404)
            return
        local = Path(self.translate_path("/" + self.path[len(self.prefix) :].split("?")[0]))
        if local.is_dir():
            local = local / "index.html"
        if not local.is_file():
            self.send_error(404)
            return
        body = gzip.compress(local.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(local)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def serve_gzip(directory: Path, prefix: str) -> tuple[ThreadingHTTPServer, str]:
    handler = type("Handler", (GzipHandler,), {"prefix": prefix})
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}{prefix}"


def page_weights(site: Path, prefix: str) -> dict[str, dict]:
    """Bytes on the wire for the first load of each page (fresh browser profile each time).

    {page: {"total": bytes, "largest": [[path, bytes], ...]}}: what makes a heavy page heavy.
    """
    from playwright.sync_api import sync_playwright

    server, base = serve_gzip(site, prefix)
    weights = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=find_chromium(), args=CHROMIUM_ARGS
            )
            for name in pages(site):
                context = browser.new_context()
                page = context.new_page()
                sizes: dict[str, int] = {}

                def count(request, sizes=sizes) -> None:
                    path = urlsplit(request.url).path.removeprefix(prefix)
                    sizes[path] = request.sizes()["responseBodySize"]

                page.on("requestfinished", count)
                page.goto(base + name)
                page.wait_for_load_state("networkidle")
                largest = sorted(sizes.items(), key=lambda item: -item[1])[:2]
                weights[name] = {"total": sum(sizes.values()), "largest": largest}
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return weights


def lighthouse(site: Path, prefix: str, work: Path, names: list[str]) -> dict[str, dict]:
    """Lighthouse's four scores (its default, mobile) for each page, served gzip-compressed.

    The failing audits of each page are kept in the report (`failed`), so a score below 100
    says why.
    """
    tool = Path.home() / ".cache" / "handbook-bench" / "lighthouse"
    if not (tool / "node_modules" / ".bin" / "lighthouse").exists():
        tool.mkdir(parents=True, exist_ok=True)
        run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(tool), LIGHTHOUSE], tool)
    server, base = serve_gzip(site, prefix)
    scores = {}
    try:
        for name in names:
            report = work / "lighthouse.json"
            flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
            run(
                [
                    str(tool / "node_modules" / ".bin" / "lighthouse"), base + name,
                    "--output=json", f"--output-path={report}", "--quiet",
                    f"--chrome-path={find_chromium()}", f"--chrome-flags={flags}",
                ],
                work,
                CHROME_PATH=find_chromium(),
            )  # fmt: skip
            result = json.loads(report.read_text())
            scores[name] = {
                key: round(value["score"] * 100) for key, value in result["categories"].items()
            }
            scores[name]["failed"] = sorted(
                audit_id
                for audit_id, audit in result["audits"].items()
                if audit.get("score") is not None
                and audit["score"] < 0.9
                and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
            )
    finally:
        server.shutdown()
    return scores


# --- the report ------------------------------------------------------------------------------


def explain(figures: dict) -> list[str]:
    """The gaps between the figures and their targets, with the cause each measurement shows."""
    lines = []
    b = figures["build"]
    count = len(figures["page_weight"]["pages"])
    if b["warm"] > 1.5 * b["stock_warm"]:
        per_page = (b["warm"] - b["stock_warm"]) / (count - 1) * 1000
        lines.append(
            f"warm build {b['warm'] / b['stock_warm']:.1f}x the stock site: this site has {count} "
            f"pages, the stock one 1. The {b['stock_warm']:.2f} s of start-up is common to both; "
            f"the rest is {per_page:.0f} ms per extra page (Markdown, includes, Material's "
            "templates), which grows with the content, not a fixed overhead."
        )
    if figures["rebuild_on_edit"] > 1:
        lines.append(
            f"rebuild on edit {figures['rebuild_on_edit']:.2f} s: MkDocs 1.6's serve re-renders "
            "every page after any change, so a rebuild costs about the warm build without the "
            f"process start-up (~{b['warm'] - b['stock_warm']:.2f} s here); notebooks and charts "
            "already come from the cache."
        )
    if "suite" in figures and figures["suite"]["whole"] > 60:
        s = figures["suite"]
        lines.append(
            f"test suite {s['whole']:.0f} s: the browser tests (one worker) load and check each of "
            f"the {count} pages (network-idle settle 0.5 s, axe-core 0.4-1.2 s per page) and run "
            "the click, search and phone tests; the page blocks alone take "
            f"{s['pages_pytest']:.0f} s."
        )
    for name, weight in figures["page_weight"]["pages"].items():
        if weight["total"] > 120_000:
            adds = ", ".join(f"{path} {size / 1000:.0f} KB" for path, size in weight["largest"])
            lines.append(f"{name} weighs {weight['total'] / 1000:.0f} KB; largest: {adds}")
    for name, score in figures.get("lighthouse", {}).get("pages", {}).items():
        below = [key for key in ("performance", "accessibility", "best-practices", "seo")
                 if score[key] < 100]  # fmt: skip
        if below:
            lines.append(f"lighthouse {name}: {', '.join(below)} below 100; failing audits: "
                         f"{', '.join(score['failed'])}")  # fmt: skip
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=ROOT / ".cache" / "bench.json")
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--lighthouse-pages", type=int, default=None)
    parser.add_argument("--skip-suite", action="store_true", help="skip timing the test suite")
    parser.add_argument("--run-blocks-directly", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.run_blocks_directly:
        run_blocks_directly()
        return

    figures: dict = {}
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="handbook-bench-") as folder:
        work = Path(folder)
        b = builds(work)
        figures["build"] = b
        rows.append(("warm build (s)", f"{b['warm']:.2f}", f"stock Material {b['stock_warm']:.2f}",
                     f"<= 1.5x stock: {b['warm'] / b['stock_warm']:.1f}x"))  # fmt: skip
        rows.append(("cold build, notebooks run (s)", f"{b['cold']:.2f}", "-", "< 20 s"))
        edit = rebuild_on_edit(work)
        figures["rebuild_on_edit"] = edit
        rows.append(("rebuild on edit, mkdocs serve (s)", f"{edit:.2f}",
                     f"warm build {b['warm']:.2f}", "< 1 s"))  # fmt: skip
        if not arguments.skip_suite:
            s = suite()
            figures["suite"] = s
            rows.append(("test suite, ./dev test (s)", f"{s['whole']:.1f}", "-", "< 60 s"))
            rows.append(("page blocks: pytest+sybil vs direct (s)",
                         f"{s['pages_pytest']:.1f}", f"direct {s['pages_direct']:.1f}",
                         f"<= 1.3x: {s['pages_pytest'] / s['pages_direct']:.2f}x"))  # fmt: skip
        prefix = "/handbook/"
        site = work / "site-warm-1"
        weights = page_weights(site, prefix)
        stock_weight = page_weights(work / "stock-site-1", "/")["index.html"]["total"]
        figures["page_weight"] = {"pages": weights, "stock": stock_weight}
        for name, weight in weights.items():
            rows.append((f"page weight {name} (KB)", f"{weight['total'] / 1000:.0f}",
                         f"stock {stock_weight / 1000:.0f}", "< 120 KB, text pages"))  # fmt: skip
        if not arguments.skip_lighthouse:
            names = pages(site)[: arguments.lighthouse_pages]
            scores = lighthouse(site, prefix, work, names)
            stock = lighthouse(work / "stock-site-1", "/", work, ["index.html"])["index.html"]
            figures["lighthouse"] = {"pages": scores, "stock": stock}
            four = ("performance", "accessibility", "best-practices", "seo")
            stock_text = "/".join(str(stock[key]) for key in four)
            for name, score in scores.items():
                measured = "/".join(str(score[key]) for key in four)
                rows.append((f"lighthouse {name} (perf/a11y/bp/seo)", measured,
                             f"stock {stock_text}", "100 in all four"))  # fmt: skip
                if score["failed"]:
                    rows.append(("  failing audits", ", ".join(score["failed"]), "", ""))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    header = ("figure", "measured", "baseline (same run)", "target")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    print("\nWhere a target is missed, and why (measured above):")
    for line in explain(figures):
        print(f"- {line}")
    arguments.json.parent.mkdir(parents=True, exist_ok=True)
    arguments.json.write_text(json.dumps(figures, indent=2))
    print(f"\nfigures written to {arguments.json}")


if __name__ == "__main__":
    main()
